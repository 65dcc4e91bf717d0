import * as fs from 'fs';
import * as path from 'path';

/** Where a secret showed up on this machine: files under the folders searched, processes' environments, command lines. */
export interface Leaks {
    files: string[];
    /** Pids whose environment has it. */
    environments: number[];
    /** Pids whose command line has it (what `ps` shows every user). */
    commandLines: number[];
}

/**
 * Looks for a secret (a token, a line of a private key) in every file under dirs (up to 50 MiB each)
 * and in every process's environment and command line, as a check that it never leaked there.
 */
export function findLeaks(secret: string, dirs: string[]): Leaks {
    const files: string[] = [];
    const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                walk(p);
            } else if (e.isFile() && fs.statSync(p).size < 50 * 1024 * 1024 && fs.readFileSync(p).includes(secret)) {
                files.push(p);
            }
        }
    };
    dirs.forEach(walk);
    const environments: number[] = [];
    const commandLines: number[] = [];
    for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)).map(Number)) {
        if (readOrEmpty(`/proc/${pid}/environ`).includes(secret)) {
            environments.push(pid);
        }
        if (readOrEmpty(`/proc/${pid}/cmdline`).includes(secret)) {
            commandLines.push(pid);
        }
    }
    return { files, environments, commandLines };
}

function readOrEmpty(file: string): string {
    try {
        return fs.readFileSync(file, 'latin1');
    } catch {
        return '';
    }
}
