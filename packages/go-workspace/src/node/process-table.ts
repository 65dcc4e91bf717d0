import { promises as fs } from 'fs';
import { ProcessEntry } from './busy-processes';

/**
 * Every process this user can see, from /proc (Linux: where Warren workspaces run). Elsewhere, or
 * without /proc, the list is empty: processes then never count as activity.
 */
export async function readProcessTable(): Promise<ProcessEntry[]> {
    let names: string[];
    try {
        names = await fs.readdir('/proc');
    } catch {
        return [];
    }
    const entries = await Promise.all(names.filter(n => /^\d+$/.test(n)).map(readProcess));
    return entries.filter((e): e is ProcessEntry => e !== undefined);
}

async function readProcess(pid: string): Promise<ProcessEntry | undefined> {
    try {
        const [stat, cmdline] = await Promise.all([fs.readFile(`/proc/${pid}/stat`, 'utf8'), fs.readFile(`/proc/${pid}/cmdline`, 'utf8')]);
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split at the last ')'.
        const close = stat.lastIndexOf(')');
        const [state, ppid] = stat.slice(close + 2).split(' ');
        return {
            pid: Number(pid),
            ppid: Number(ppid),
            comm: stat.slice(stat.indexOf('(') + 1, close),
            args: cmdline ? cmdline.replace(/\0$/, '').split('\0') : [],
            state
        };
    } catch {
        return undefined; // it exited while we looked
    }
}
