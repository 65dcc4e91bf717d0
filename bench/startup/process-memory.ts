import * as fs from 'fs';

export interface TreeRss {
    /** Resident set of the backend process alone, in bytes. */
    mainBytes: number;
    /** Sum over the backend and all its descendants (plugin hosts, gopls, watchers), in bytes. Shared pages count once per process. */
    treeBytes: number;
    processes: number;
}

/** The parent pid from /proc/<pid>/stat; the command name in parentheses may hold spaces, so parse after the last ')'. */
function parentPid(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]);
    } catch {
        return undefined; // exited while we looked
    }
}

/** VmRSS from /proc/<pid>/status in bytes; 0 for a process that exited meanwhile (or a kernel thread). */
function rssBytes(pid: number): number {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
        return m ? Number(m[1]) * 1024 : 0;
    } catch {
        return 0;
    }
}

/** rootPid and every process descended from it, found through the ppid of each process in /proc. */
export function processTree(rootPid: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync('/proc')) {
        const pid = Number(entry);
        if (!Number.isInteger(pid)) {
            continue;
        }
        const ppid = parentPid(pid);
        if (ppid !== undefined) {
            children.set(ppid, [...(children.get(ppid) ?? []), pid]);
        }
    }
    const tree: number[] = [];
    const queue = [rootPid];
    while (queue.length > 0) {
        const pid = queue.shift()!;
        tree.push(pid);
        queue.push(...(children.get(pid) ?? []));
    }
    return tree;
}

export function treeRss(rootPid: number): TreeRss {
    const pids = processTree(rootPid);
    return {
        mainBytes: rssBytes(rootPid),
        treeBytes: pids.reduce((sum, pid) => sum + rssBytes(pid), 0),
        processes: pids.length
    };
}
