import * as fs from 'fs';
import * as path from 'path';
import { listPids, processStat } from '@warren/ide-launcher';
import { DNS_LABEL, WorkspaceKey, workspaceKey } from '@warren/workspace-api';

/** An IDE backend process found on this machine. */
export interface IdeProcess {
    pid: number;
    port: number;
    tenant: string;
    id: string;
}

/**
 * Every IDE backend on this machine that serves a workspace folder of this data folder, found in
 * /proc: a process group leader of this process's user whose command line runs
 * `<app>/lib/backend/main.js <data>/tenants/<tenant>/workspaces/<id>/files --port=N` (directly with
 * node, or through bwrap and setpriv in a sandbox). Tenants' own processes never count, whatever
 * their command line says: one that posed as another tenant's IDE would be sent that tenant's traffic.
 * This is how IDEs are found again after any crash of the manager, even one between launching an
 * IDE and writing down its pid.
 */
export function findIdeProcesses(dataDir: string): Map<WorkspaceKey, IdeProcess[]> {
    const found = new Map<WorkspaceKey, IdeProcess[]>();
    const tenants = path.join(path.resolve(dataDir), 'tenants') + path.sep;
    for (const pid of listPids() ?? []) {
        const ide = ideOf(pid, tenants);
        if (ide) {
            const key = workspaceKey(ide);
            found.set(key, [...(found.get(key) ?? []), ide]);
        }
    }
    return found;
}

function ideOf(pid: number, tenants: string): IdeProcess | undefined {
    const argv = commandLineOf(pid);
    const folder = argv && folderArg(argv);
    if (!argv || !folder?.startsWith(tenants)) {
        return undefined;
    }
    const parts = folder.slice(tenants.length).split(path.sep);
    const port = Number(argv.find(a => a.startsWith('--port='))?.slice('--port='.length));
    if (parts.length < 4 || parts[1] !== 'workspaces' || parts[3] !== 'files' || !DNS_LABEL.test(parts[0]) || !DNS_LABEL.test(parts[2]) || !port) {
        return undefined;
    }
    return groupLeader(pid) ? { pid, port, tenant: parts[0], id: parts[2] } : undefined;
}

/** The command line of a process this user runs; undefined for other users' processes (a sandboxed tenant's among them). */
function commandLineOf(pid: number): string[] | undefined {
    try {
        // The credentials themselves: /proc/<pid>'s owner is root for any process that makes itself non-dumpable.
        const uids = /^Uid:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1].trim().split(/\s+/).map(Number);
        if (!uids || uids.some(uid => uid !== process.getuid?.())) {
            return undefined;
        }
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
        return undefined;
    }
}

/** The argument after the backend's main.js: the workspace folder. */
function folderArg(argv: string[]): string | undefined {
    const main = argv.findIndex(a => a.endsWith(path.join('lib', 'backend', 'main.js')));
    return main > 0 ? argv[main + 1] : undefined;
}

/** The IDE backend leads its process group; its children (plugin hosts, watchers) do not. */
function groupLeader(pid: number): boolean {
    return processStat(pid)?.pgrp === pid;
}

/** The pid is alive and is the IDE of that folder, run by this user (a reused pid belongs to some other program). */
export function isIdeOf(pid: number, folder: string): boolean {
    const argv = commandLineOf(pid);
    const arg = argv && folderArg(argv);
    // The workspace's files, or the folder inside them that its source names.
    return arg !== undefined && (arg === folder || arg.startsWith(folder + path.sep));
}
