import { execFile } from 'node:child_process';
import { GitError, reasonOf } from './errors';

export interface GitRunOptions {
    /** The folder git runs in. */
    cwd: string;
    /** Written to git's standard input (a commit message, a blob). */
    input?: string;
    /** Called with each line git writes to stderr as it goes (`--progress` output of fetch, pull, push). */
    onProgress?: (line: string) => void;
}

export interface GitOutput {
    stdout: string;
    stderr: string;
}

/** Removes the user and password of URLs (`https://user:token@host`), so that no credential reaches a log or a message. */
export function redact(text: string): string {
    return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/**
 * Runs git without a shell. It never prompts (a prompt would hang the IDE: there is no terminal), it never pages,
 * and pathspecs are literal, so that a file named `*.go` or `:x` is that file. It takes no optional locks: the
 * status that every file change runs would otherwise hold index.lock now and then, and a pull's merge, a
 * commit in the terminal or any other git command that needs the lock at that moment would fail.
 */
export function runGit(args: string[], options: GitRunOptions): Promise<GitOutput> {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
    return new Promise((resolve, reject) => {
        const child = execFile('git', args, { cwd: options.cwd, env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
            if (err) {
                const code = typeof err.code === 'number' ? err.code : undefined;
                const text = redact(`${stderr}\n${stdout}`).trim();
                reject(new GitError(reasonOf(text), `git ${args[0]} failed: ${text || err.message}`, code));
            } else {
                resolve({ stdout, stderr });
            }
        });
        if (options.onProgress) {
            const onProgress = options.onProgress;
            // git ends progress updates with \r and finished lines with \n.
            child.stderr?.on('data', (chunk: string | Buffer) => {
                for (const line of chunk.toString().split(/[\r\n]+/)) {
                    if (line.trim()) {
                        onProgress(redact(line.trim()));
                    }
                }
            });
        }
        // git may exit before reading its input (a failed command): that is reported by the exit status, not as EPIPE.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(options.input ?? '');
    });
}
