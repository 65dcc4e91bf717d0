/** Finds the debugger and the debugged program among a process's descendants, to know when a session has really ended. */
import * as fs from 'fs';

/** dlv itself, and the binary it builds and runs (`__debug_bin` and digits; /proc cuts the name at 15 characters). */
const DEBUG_PROCESS = /^(dlv|__debug_bin\d*)$/;

/** pid → [parent pid, command name] of every process now running, from /proc/<pid>/stat. */
function processTable(): Map<number, [number, string]> {
    const table = new Map<number, [number, string]>();
    for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
            // "pid (comm) state ppid ...": the name may hold spaces and parentheses, so split at the last ')'.
            const close = stat.lastIndexOf(')');
            const comm = stat.slice(stat.indexOf('(') + 1, close);
            const ppid = Number(stat.slice(close + 2).split(' ')[1]);
            table.set(Number(entry), [ppid, comm]);
        } catch {
            // exited meanwhile
        }
    }
    return table;
}

/** The dlv and debugged-program processes below root (at any depth), as "name pid". */
export function debugProcessesUnder(root: number): string[] {
    const table = processTable();
    const found: string[] = [];
    for (const [pid, [, comm]] of table) {
        if (!DEBUG_PROCESS.test(comm)) {
            continue;
        }
        for (let up = table.get(pid)?.[0]; up !== undefined && up > 1; up = table.get(up)?.[0]) {
            if (up === root) {
                found.push(`${comm} ${pid}`);
                break;
            }
        }
    }
    return found;
}
