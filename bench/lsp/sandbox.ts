import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { warrenCacheDir } from '@warren/go-toolchain';
import { Cleanup } from '../support/harness';

/** A run's own folder: a copy of the generated module, an empty HOME, and the environment for gopls and the IDE. */
export interface Sandbox {
    dir: string;
    workspace: string;
    home: string;
    env: NodeJS.ProcessEnv;
}

/**
 * Every run starts from the same state: a fresh HOME with empty Go build and module caches and an empty gopls
 * cache (gopls keeps it under $HOME/.cache), so the direct client and the IDE find gopls equally cold; the
 * warm-up rounds then warm it the same way. The pinned gopls is still taken from Warren's own cache, as the IDE
 * launcher does. Removed by cleanup.
 */
export function makeSandbox(moduleDir: string, label: string, cleanup: Cleanup): Sandbox {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `warren-bench-lsp-${label}-`));
    cleanup.add(`Removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const workspace = path.join(dir, 'workspace');
    const home = path.join(dir, 'home');
    fs.cpSync(moduleDir, workspace, { recursive: true });
    fs.mkdirSync(home);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        XDG_CACHE_HOME: path.join(home, '.cache'),
        GOPATH: path.join(home, 'go'),
        GOCACHE: path.join(home, '.cache', 'go-build'),
        GOMODCACHE: path.join(home, 'go', 'pkg', 'mod'),
        // The module has no dependencies: nothing may be downloaded, and nothing reported.
        GOPROXY: 'off',
        GOFLAGS: '',
        GOTELEMETRY: 'off',
        WARREN_CACHE_DIR: warrenCacheDir(process.env)
    };
    return { dir, workspace, home, env };
}
