import { execFile } from 'child_process';

export interface ExecResult {
    stdout: string;
    stderr: string;
}

/** Runs a program without a shell and resolves with its output; rejects with stderr in the message on failure. */
export function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) {
                const detail = String(stderr).trim() || error.message;
                reject(Object.assign(new Error(`${file} ${args.join(' ')}: ${detail}`), { code: (error as NodeJS.ErrnoException).code }));
            } else {
                resolve({ stdout: String(stdout), stderr: String(stderr) });
            }
        });
    });
}
