import * as fs from 'fs';
import * as path from 'path';
import { makeGoSandbox } from '../support/go-sandbox';
import { Cleanup } from '../support/harness';

/** A run's own folder: a copy of the generated module, an empty HOME, and the environment for gopls and the IDE. */
export interface Sandbox {
    dir: string;
    workspace: string;
    home: string;
    env: NodeJS.ProcessEnv;
}

/**
 * Every run starts from the same state (see makeGoSandbox), so the direct client and the IDE find gopls equally
 * cold; the warm-up rounds then warm it the same way. Removed by cleanup.
 */
export function makeSandbox(moduleDir: string, label: string, cleanup: Cleanup): Sandbox {
    const { dir, home, env } = makeGoSandbox(`warren-bench-lsp-${label}-`, cleanup);
    const workspace = path.join(dir, 'workspace');
    fs.cpSync(moduleDir, workspace, { recursive: true });
    return { dir, workspace, home, env };
}
