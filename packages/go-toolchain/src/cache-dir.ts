import * as os from 'os';
import * as path from 'path';

/** Warren's cache folder, outside any repository: WARREN_CACHE_DIR, else $XDG_CACHE_HOME/warren, else ~/.cache/warren. */
export function warrenCacheDir(env: NodeJS.ProcessEnv = process.env): string {
    if (env.WARREN_CACHE_DIR) {
        return path.resolve(env.WARREN_CACHE_DIR);
    }
    const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
    return path.join(base, 'warren');
}
