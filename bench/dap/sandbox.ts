import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { warrenCacheDir } from '@warren/go-toolchain';
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
 * One sandbox for both ways of measuring, so that dlv builds the same folder with the same Go build cache: a fresh
 * HOME with empty Go build and module caches, filled by the first (warm-up, untimed) session of the direct client and
 * found warm by every session after it, the IDE's included. The pinned dlv is still taken from Warren's own cache, as
 * the IDE launcher does. Removed by cleanup.
 */
export function makeSandbox(cleanup: Cleanup): Sandbox {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-dap-'));
    cleanup.add(`Removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const program = writeProgram(path.join(dir, 'loop'));
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        XDG_CACHE_HOME: path.join(home, '.cache'),
        GOPATH: path.join(home, 'go'),
        GOCACHE: path.join(home, '.cache', 'go-build'),
        GOMODCACHE: path.join(home, 'go', 'pkg', 'mod'),
        // The program has no dependencies: nothing may be downloaded, and nothing reported.
        GOPROXY: 'off',
        GOFLAGS: '',
        GOTELEMETRY: 'off',
        WARREN_CACHE_DIR: warrenCacheDir(process.env)
    };
    return { dir, home, program, env };
}
