import * as path from 'path';
import { makeGoSandbox } from '../support/go-sandbox';
import { Cleanup } from '../support/harness';
import { ProgramInfo, writeProgram } from './program';

/** The benchmark's own folder: the program, an empty HOME, and the environment for dlv and the IDE. */
export interface Sandbox {
    dir: string;
    home: string;
    program: ProgramInfo;
    env: NodeJS.ProcessEnv;
}

/**
 * One sandbox for both ways of measuring, so that dlv builds the same folder with the same Go build cache: the
 * fresh caches are filled by the first (warm-up, untimed) session of the direct client and found warm by every
 * session after it, the IDE's included. Removed by cleanup.
 */
export function makeSandbox(cleanup: Cleanup): Sandbox {
    const { dir, home, env } = makeGoSandbox('warren-bench-dap-', cleanup);
    const program = writeProgram(path.join(dir, 'loop'));
    return { dir, home, program, env };
}
