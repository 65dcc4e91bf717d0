import * as fs from 'fs';

/** What /proc/<pid>/stat says of a process; undefined when it is gone (or there is no /proc). */
export function processStat(pid: number): { state: string; pgrp: number } | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'.
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return { state, pgrp: Number(pgrp) };
    } catch {
        return undefined;
    }
}

/** The pids in /proc; undefined where /proc cannot be read. */
export function listPids(): number[] | undefined {
    try {
        return fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number);
    } catch {
        return undefined;
    }
}
