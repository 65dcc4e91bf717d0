/** One process as /proc shows it. */
export interface ProcessEntry {
    pid: number;
    ppid: number;
    /** The executable's name (/proc/<pid>/comm, at most 15 characters), e.g. `bash`, `node`, `dlv`. */
    comm: string;
    /** Its command line (/proc/<pid>/cmdline); empty when the process hides it. */
    args: string[];
    /** The state letter of /proc/<pid>/stat; `Z` is a zombie: exited, not yet reaped. */
    state: string;
}

/** Terminal shells: busy while they run a command, idle at their prompt. */
export const SHELLS: ReadonlySet<string> = new Set(['bash', 'sh', 'zsh', 'fish', 'dash', 'ksh']);

/** The backend's own helpers (plugin host, file watcher) are node processes running these scripts. */
const THEIA_HELPER = /(^|\/)(plugin-host|ipc-bootstrap)(\.js)?$/;

export const DEBUG_SESSION = 'debug session';

const MAX_COMMAND_CHARS = 80;

/**
 * What keeps the IDE busy, from the processes below the IDE backend (rootPid), one reason per busy
 * process: `go test ./... (pid 1234)`, and `debug session` when dlv runs anywhere below.
 *
 * - A direct child that is a shell (a terminal) is busy when it has children: what it runs is named.
 * - The plugin host and the file watcher are not activity; gopls below the plugin host is not either.
 * - Any other direct child is busy: a task, or a command a terminal `exec`ed.
 */
export function busyReasons(rootPid: number, processes: readonly ProcessEntry[]): string[] {
    const children = new Map<number, ProcessEntry[]>();
    for (const p of processes) {
        if (p.state !== 'Z') {
            children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
        }
    }
    const kids = (p: number): ProcessEntry[] => children.get(p) ?? [];
    const reasons = new Set<string>();
    for (const child of kids(rootPid)) {
        if (SHELLS.has(child.comm)) {
            kids(child.pid).forEach(k => reasons.add(describeProcess(k)));
        } else if (!(child.comm === 'node' && THEIA_HELPER.test(child.args[1] ?? ''))) {
            reasons.add(describeProcess(child));
        }
    }
    const stack = kids(rootPid);
    while (stack.length) {
        const p = stack.pop()!;
        if (p.comm === 'dlv') {
            reasons.add(DEBUG_SESSION);
        }
        stack.push(...kids(p.pid));
    }
    return [...reasons];
}

/** `go test ./... (pid 1234)`: the command line, shortened, and the pid. */
export function describeProcess(p: ProcessEntry): string {
    const command = p.args.length ? p.args.join(' ') : p.comm;
    const short = command.length > MAX_COMMAND_CHARS ? `${command.slice(0, MAX_COMMAND_CHARS - 1)}…` : command;
    return `${short} (pid ${p.pid})`;
}
