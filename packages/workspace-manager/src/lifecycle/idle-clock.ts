import { WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { WorkspaceRecord } from '../model';

export interface IdleOptions {
    /** How often workspaces are looked at; default 15 s. */
    checkIntervalMs?: number;
    /** The timeout of a class that sets none; default 1800 s. 0 turns idle stop off. */
    defaultTimeoutSeconds?: number;
    /** How long before the stop the IDE warns; default 300 s, at most a third of the timeout. */
    warningSeconds?: number;
}

/** What the idle clock needs of the rest of the manager. */
export interface IdleClockHost {
    /** The workspaces as last seen, running ones among them. */
    workspaces(): WorkspaceRecord[];
    /** The class's idle timeout in seconds, if it sets one. */
    timeoutSecondsOf(className: string): number | undefined;
    /** Shows the warning in the IDE. */
    warn(ws: WorkspaceRecord, stopsInSeconds: number): Promise<void>;
    /** Asks for the stop: the same intent as a tenant's, so it saves first like every stop. */
    stop(ws: WorkspaceRecord): Promise<void>;
    /** Withdraws an idle stop that is still held back (someone came back): the workspace should run. */
    resume(ws: WorkspaceRecord): Promise<void>;
    /** When the workspace stops (idleStopsAt) changed: its status should say so. */
    changed(key: WorkspaceKey): void;
    log(entry: Record<string, unknown>): void;
}

/**
 * The manager's idle clock. Activity is what the gateway reports (proxied requests, WebSockets
 * opening) and heartbeats from the IDE (user input, a running command, task or debug session);
 * socket keepalives are not, so an open but unused tab does not keep a workspace alive. An idle
 * workspace is warned first (its status then says when it stops), and stopped after its timeout.
 */
export class IdleClock {
    protected readonly lastActivity = new Map<WorkspaceKey, number>();
    /** Workspaces warned, and when they stop. */
    protected readonly stopsAt = new Map<WorkspaceKey, number>();
    protected readonly stopping = new Set<WorkspaceKey>();
    /** Stops this clock asked for: while one is held back (the IDE could not save), activity withdraws it. */
    protected readonly idleStopped = new Set<WorkspaceKey>();
    protected timer?: NodeJS.Timeout;
    protected readonly options: Required<IdleOptions>;

    constructor(protected readonly host: IdleClockHost, options: IdleOptions = {}) {
        this.options = { checkIntervalMs: 15_000, defaultTimeoutSeconds: 1800, warningSeconds: 300, ...options };
    }

    start(): void {
        this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
        this.timer.unref();
    }

    stop(): void {
        clearInterval(this.timer);
    }

    /** Someone used the workspace: its clock starts again, a warning is withdrawn, and so is an idle stop that is held back. */
    touch(key: WorkspaceKey, now = Date.now()): void {
        this.lastActivity.set(key, now);
        this.stopping.delete(key);
        if (this.stopsAt.delete(key)) {
            this.host.changed(key);
        }
        if (this.idleStopped.delete(key)) {
            const ws = this.host.workspaces().find(w => workspaceKey(w) === key);
            if (ws && heldBack(ws)) {
                this.host.log({ level: 'info', msg: 'idle stop withdrawn: the workspace is used again', tenant: ws.tenant, workspace: ws.id });
                this.host.resume(ws).catch(err =>
                    this.host.log({ level: 'warn', msg: 'could not withdraw the idle stop', tenant: ws.tenant, workspace: ws.id, error: (err as Error).message }));
            }
        }
    }

    /** When a warned workspace stops (RFC 3339), for its status. */
    idleStopsAt(key: WorkspaceKey): string | undefined {
        const at = this.stopsAt.get(key);
        return at === undefined ? undefined : new Date(at).toISOString();
    }

    /** The workspace is not running any more: its clock starts again when it runs. */
    forget(key: WorkspaceKey): void {
        this.lastActivity.delete(key);
        this.stopping.delete(key);
        if (this.stopsAt.delete(key)) {
            this.host.changed(key);
        }
    }

    /** One look at every running workspace; public so that tests and benchmarks can drive it. */
    async check(now = Date.now()): Promise<void> {
        const all = this.host.workspaces();
        const running = all.filter(ws => ws.status.phase === 'running' && ws.desired === 'running' && !ws.deleting);
        const keys = new Set(running.map(workspaceKey));
        // An idle stop held back keeps its place: activity may still withdraw it.
        all.filter(ws => this.idleStopped.has(workspaceKey(ws)) && !heldBack(ws)).forEach(ws => this.idleStopped.delete(workspaceKey(ws)));
        [...this.lastActivity.keys()].filter(k => !keys.has(k) && !this.idleStopped.has(k)).forEach(k => this.forget(k));
        await Promise.all(running.map(ws => this.checkOne(ws, now)));
    }

    protected async checkOne(ws: WorkspaceRecord, now: number): Promise<void> {
        const key = workspaceKey(ws);
        const timeout = (this.host.timeoutSecondsOf(ws.className) ?? this.options.defaultTimeoutSeconds) * 1000;
        if (timeout <= 0 || this.stopping.has(key)) {
            return;
        }
        // A workspace's idle time counts from when it is first seen running.
        const last = this.lastActivity.get(key) ?? now;
        this.lastActivity.set(key, last);
        const warning = Math.min(this.options.warningSeconds * 1000, timeout / 3);
        const stopsAt = this.stopsAt.get(key);
        if (stopsAt === undefined) {
            if (now - last < timeout - warning) {
                return;
            }
            // Always a warning first, even when a late check finds the time already up.
            const at = Math.max(last + timeout, now + this.options.checkIntervalMs);
            this.stopsAt.set(key, at);
            this.host.changed(key);
            const stopsInSeconds = Math.max(1, Math.round((at - now) / 1000));
            this.host.log({ level: 'info', msg: 'workspace idle; warning the IDE', tenant: ws.tenant, workspace: ws.id, stopsInSeconds });
            await this.host.warn(ws, stopsInSeconds).catch(err =>
                this.host.log({ level: 'warn', msg: 'could not warn the IDE', tenant: ws.tenant, workspace: ws.id, error: (err as Error).message }));
        } else if (now >= stopsAt) {
            this.stopping.add(key);
            this.idleStopped.add(key);
            this.host.log({ level: 'info', msg: 'stopping idle workspace', tenant: ws.tenant, workspace: ws.id, idleSeconds: Math.round((now - last) / 1000) });
            await this.host.stop(ws).catch(err => {
                this.stopping.delete(key);
                this.idleStopped.delete(key);
                this.host.log({ level: 'warn', msg: 'idle stop failed; trying again later', tenant: ws.tenant, workspace: ws.id, error: (err as Error).message });
            });
        }
    }
}

/** A stop that was asked for and waits, with the IDE still running, for editors it could not save. */
function heldBack(ws: WorkspaceRecord): boolean {
    return ws.desired === 'stopped' && ws.status.phase === 'running' && ws.status.conditions.some(c => c.startsWith('StopHeldBack: '));
}
