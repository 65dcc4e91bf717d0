import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { canConnect, freePort, startIde, stopProcessGroup } from '@warren/ide-launcher';
import { memoryBytes, WorkspaceClass } from '../classes';
import { Observation } from '../lifecycle/phase';
import { DNS_LABEL, WorkspaceRecord } from '../model';
import { Provider, RuntimeFacts } from './provider';

export interface LocalProviderOptions {
    /** The data folder; workspaces live in <dataDir>/tenants/<tenant>/workspaces/<id>. */
    dataDir: string;
    /** Files a new workspace starts with (e.g. examples/hello); empty folder when absent. */
    templateDir?: string;
    /** The environment IDEs inherit (PATH with go on it). */
    env?: NodeJS.ProcessEnv;
    /** How often adopted IDEs are checked for life. */
    pollMs?: number;
    /** More environment for one workspace's IDE (the gateway's address and the workspace's heartbeat token). */
    workspaceEnv?: (ws: WorkspaceRecord) => Record<string, string>;
}

/** What is kept on disk of a running IDE, so that a restarted manager can adopt it. */
interface RuntimeFile {
    pid: number;
    port: number;
    startedAt: string;
}

const MiB = 1024 * 1024;

/**
 * Workspaces as folders and IDE processes on this machine: one backend per running workspace on
 * 127.0.0.1 with a port of its own, its files, HOME, Go caches and IDE settings inside the
 * workspace's folder. A process that dies is noticed within seconds and reported with its reason.
 */
export class LocalProvider implements Provider {
    readonly name = 'local';
    protected readonly exits = new Map<string, string>();
    protected readonly starting = new Set<string>();
    protected readonly listeners: Array<(tenant: string, id: string) => void> = [];
    protected readonly watched = new Map<string, WorkspaceRecord>();
    /** IDEs this manager run started: their exit event tells why they ended. */
    protected readonly children = new Map<string, ChildProcess>();
    /** Per workspace, what of its class this provider could not apply. */
    protected readonly notes = new Map<string, string[]>();
    protected readonly poll: NodeJS.Timeout;

    constructor(protected readonly options: LocalProviderOptions) {
        // Processes this manager started report their exit; adopted ones are polled.
        this.poll = setInterval(() => this.checkAdopted(), options.pollMs ?? 2_000);
        this.poll.unref();
    }

    /** The workspace's folders; ids are checked again here because they become paths. */
    paths(ws: Pick<WorkspaceRecord, 'tenant' | 'id'>): { root: string; files: string; home: string; config: string; log: string; runtime: string } {
        if (!DNS_LABEL.test(ws.tenant) || !DNS_LABEL.test(ws.id)) {
            throw new Error(`refusing a path for tenant "${ws.tenant}" and workspace "${ws.id}": not DNS-1123 labels`);
        }
        const root = path.join(this.options.dataDir, 'tenants', ws.tenant, 'workspaces', ws.id);
        return {
            root, files: path.join(root, 'files'), home: path.join(root, 'home'), config: path.join(root, 'ide-config'),
            log: path.join(root, 'logs', 'ide.log'), runtime: path.join(root, 'runtime.json')
        };
    }

    async observe(ws: WorkspaceRecord): Promise<Observation & RuntimeFacts> {
        const key = keyOf(ws);
        const p = this.paths(ws);
        const storage = fs.existsSync(p.files) ? 'ready' : 'absent';
        const notes = this.notes.get(key) ?? [];
        if (this.starting.has(key)) {
            return { storage, runtime: 'starting', ready: false, node: 'local', notes };
        }
        const rt = readRuntime(p.runtime);
        const child = this.children.get(key);
        if (rt && child && !isIdeOf(rt.pid, p.files)) {
            // Our own IDE just died: its exit event, with the signal or exit code, is a moment away.
            await exitOf(child, 2_000);
        }
        if (rt && isIdeOf(rt.pid, p.files)) {
            this.watched.set(key, ws);
            const ready = await canConnect(rt.port, '127.0.0.1');
            return { storage, runtime: 'running', ready, url: `http://127.0.0.1:${rt.port}/`, node: 'local', runtimeId: String(rt.pid), notes };
        }
        const exitReason = this.exits.get(key) ?? (rt ? adoptedExit(rt.pid, p.log) : undefined);
        if (exitReason) {
            return { storage, runtime: 'exited', ready: false, exitReason, node: 'local', notes };
        }
        return { storage, runtime: 'absent', ready: false, node: 'local', notes };
    }

    async ensureStorage(ws: WorkspaceRecord): Promise<void> {
        const p = this.paths(ws);
        if (fs.existsSync(p.files)) {
            return;
        }
        // Made beside and renamed into place: a crash leaves no half-copied workspace.
        const staging = `${p.files}.tmp-${process.pid}`;
        fs.rmSync(staging, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(p.files), { recursive: true });
        if (this.options.templateDir) {
            fs.cpSync(this.options.templateDir, staging, { recursive: true });
        } else {
            fs.mkdirSync(staging);
        }
        fs.mkdirSync(p.home, { recursive: true });
        fs.renameSync(staging, p.files);
    }

    async start(ws: WorkspaceRecord, cls: WorkspaceClass): Promise<void> {
        const key = keyOf(ws);
        const p = this.paths(ws);
        this.starting.add(key);
        this.exits.delete(key);
        this.notes.set(key, unsupportedOf(cls));
        try {
            const ide = await startIde({
                workspace: p.files,
                configDir: p.config,
                port: await freePort(),
                env: this.environment(ws, cls, p.home),
                logFile: p.log,
                startTimeoutMs: 60_000
            });
            const rt: RuntimeFile = { pid: ide.process.pid!, port: Number(new URL(ide.url).port), startedAt: new Date().toISOString() };
            fs.writeFileSync(`${p.runtime}.tmp`, JSON.stringify(rt));
            fs.renameSync(`${p.runtime}.tmp`, p.runtime);
            this.watched.set(key, ws);
            this.children.set(key, ide.process);
            ide.process.once('exit', (code, signal) => {
                this.children.delete(key);
                if (fs.existsSync(p.runtime)) {
                    this.exits.set(key, `${signal ? `signal ${signal}` : `exit code ${code}`}${lastLine(p.log)}`);
                    this.fire(ws);
                }
            });
        } finally {
            this.starting.delete(key);
        }
    }

    async stop(ws: WorkspaceRecord): Promise<void> {
        const p = this.paths(ws);
        const rt = readRuntime(p.runtime);
        // Removed first: the exit that follows is the one asked for, not a failure.
        fs.rmSync(p.runtime, { force: true });
        this.watched.delete(keyOf(ws));
        this.exits.delete(keyOf(ws));
        if (rt && isIdeOf(rt.pid, p.files)) {
            await stopProcessGroup(rt.pid, 10_000);
        }
    }

    async remove(ws: WorkspaceRecord): Promise<void> {
        await this.stop(ws);
        fs.rmSync(this.paths(ws).root, { recursive: true, force: true });
    }

    onDidChange(listener: (tenant: string, id: string) => void): void {
        this.listeners.push(listener);
    }

    async dispose(): Promise<void> {
        clearInterval(this.poll);
    }

    /** The workspace's environment: Go caches inside it, its Go settings, and what the class says of memory. */
    protected environment(ws: WorkspaceRecord, cls: WorkspaceClass, home: string): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            ...(this.options.env ?? process.env),
            HOME: home,
            GOPATH: path.join(home, 'go'),
            GOMODCACHE: path.join(home, 'go', 'pkg', 'mod'),
            GOCACHE: path.join(home, '.cache', 'go-build'),
            ...ws.goEnv,
            ...this.options.workspaceEnv?.(ws)
        };
        const memory = memoryBytes(cls.memory);
        if (memory) {
            // Go tools (gopls among them) get half the class's memory as a soft limit; the IDE's Node heap a quarter, at most 2 GiB.
            env.GOMEMLIMIT = `${Math.floor(memory / 2 / MiB)}MiB`;
            env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --max-old-space-size=${Math.min(2048, Math.floor(memory / 4 / MiB))}`.trim();
        }
        return env;
    }


    protected checkAdopted(): void {
        for (const [key, ws] of this.watched) {
            if (this.children.has(key)) {
                continue; // its exit event reports it, with the reason
            }
            const rt = readRuntime(this.paths(ws).runtime);
            if (rt && !isIdeOf(rt.pid, this.paths(ws).files) && !this.exits.has(key)) {
                this.exits.set(key, adoptedExit(rt.pid, this.paths(ws).log));
                this.fire(ws);
            }
        }
    }

    protected fire(ws: WorkspaceRecord): void {
        this.listeners.forEach(l => l(ws.tenant, ws.id));
    }
}

/** What of a class the local provider cannot apply on one machine, said so that nobody thinks it did. */
export function unsupportedOf(cls: WorkspaceClass): string[] {
    const notes = [
        `cpu ${cls.cpu}: not limited by the local provider`,
        `disk ${cls.disk}: not limited by the local provider`
    ];
    if (cls.gpuResource && cls.gpuCount) {
        notes.push(`GPU ${cls.gpuResource} x${cls.gpuCount}: the local provider has no GPUs to give; use the kubernetes provider`);
    }
    return notes;
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise(resolve => {
        const timer = setTimeout(resolve, timeoutMs);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
}

function keyOf(ws: Pick<WorkspaceRecord, 'tenant' | 'id'>): string {
    return `${ws.tenant}/${ws.id}`;
}

function readRuntime(file: string): RuntimeFile | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as RuntimeFile;
    } catch {
        return undefined;
    }
}

/** The pid is alive and is the IDE of that folder (a reused pid belongs to some other program). */
function isIdeOf(pid: number, folder: string): boolean {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(folder);
    } catch {
        return false;
    }
}

/** An IDE this manager run adopted has no exit status to report: say what is known. */
function adoptedExit(pid: number, log: string): string {
    return `the IDE process ${pid} ended; its exit status is unknown because an earlier run of the manager started it${lastLine(log)}`;
}

function lastLine(log: string): string {
    try {
        const lines = fs.readFileSync(log, 'utf8').trimEnd().split('\n');
        return lines.length ? `; its log ends: ${lines[lines.length - 1].slice(0, 300)}` : '';
    } catch {
        return '';
    }
}
