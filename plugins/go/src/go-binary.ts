import { execFile } from 'child_process';

/** The go binary the IDE uses: WARREN_GO when the backend was started with it, else `go` on PATH. */
export function goBinary(env: NodeJS.ProcessEnv = process.env): string {
    return env.WARREN_GO || 'go';
}

/** Runs go with args in cwd; resolves with stdout, rejects with an Error whose message says what failed and how to fix it. */
export function runGo(args: string[], cwd: string | undefined): Promise<string> {
    const go = goBinary();
    return new Promise((resolve, reject) => {
        execFile(go, args, { cwd, timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (!error) {
                resolve(stdout);
            } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                reject(new Error(`Go was not found ("${go}"). Install Go from https://go.dev/dl/ and restart the IDE with go on PATH.`));
            } else {
                reject(new Error(`go ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
            }
        });
    });
}
