import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { warrenCacheDir } from '@warren/go-toolchain';
import { Cleanup } from './harness';

/** A run's own temporary folder with an empty HOME, and the environment that points Go, gopls and dlv into it. */
export interface GoSandbox {
    dir: string;
    home: string;
    env: NodeJS.ProcessEnv;
}

/**
 * A fresh HOME with empty Go build and module caches (gopls keeps its own cache under $HOME/.cache too), so every
 * run starts from the same cold state. The pinned gopls and dlv are still taken from Warren's own cache, as the IDE
 * launcher does. prefix names the folder in the temp dir; the folder is removed by cleanup.
 */
export function makeGoSandbox(prefix: string, cleanup: Cleanup): GoSandbox {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    cleanup.add(`Removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        XDG_CACHE_HOME: path.join(home, '.cache'),
        GOPATH: path.join(home, 'go'),
        GOCACHE: path.join(home, '.cache', 'go-build'),
        GOMODCACHE: path.join(home, 'go', 'pkg', 'mod'),
        // The benches' Go code has no dependencies: nothing may be downloaded, and nothing reported.
        GOPROXY: 'off',
        GOFLAGS: '',
        GOTELEMETRY: 'off',
        WARREN_CACHE_DIR: warrenCacheDir(process.env)
    };
    return { dir, home, env };
}
