import * as fs from 'node:fs';

export interface ProcessInfo {
    pid: number;
    /** The command name, as in /proc/<pid>/comm. */
    comm: string;
}

/** Every live descendant of pid, read from /proc (Linux). */
export function descendants(pid: number): ProcessInfo[] {
    const children = new Map<number, ProcessInfo[]>();
    for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
            // The command name is in parentheses and may contain spaces; the parent pid follows the state field.
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            children.set(ppid, [...(children.get(ppid) ?? []), { pid: Number(entry), comm }]);
        } catch {
            // gone while we looked
        }
    }
    const result: ProcessInfo[] = [];
    const visit = (p: number): void => {
        for (const child of children.get(p) ?? []) {
            result.push(child);
            visit(child.pid);
        }
    };
    visit(pid);
    return result;
}
