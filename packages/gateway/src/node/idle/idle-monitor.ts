import { GatewayMetrics } from '../metrics';
import { WorkspaceDirectory, WorkspaceView } from '../directory';
import { WorkspaceTokens } from './workspace-token';

export interface IdleOptions {
    /** How often workspaces are looked at; default 15 s. */
    checkIntervalMs?: number;
    /** The timeout of a class that sets none; default 1800 s. 0 turns idle stop off. */
    defaultTimeoutSeconds?: number;
    /** How long before the stop the IDE warns; default 300 s, at most a third of the timeout. */
    warningSeconds?: number;
    /** How long the IDE may take to save its editors; default 30 s. */
    prepareTimeoutMs?: number;
}

type State = 'active' | 'warned' | 'stopping';

/**
 * Stops workspaces nobody uses. Activity is proxied traffic (HTTP requests, WebSockets opening)
 * and heartbeats from the IDE (user input, a running command, task or debug session); socket
 * keepalives are not activity, so an open but unused tab does not keep a workspace alive. Before
 * the stop the IDE warns, then saves its open editors; if it says it could not, the stop waits.
 */
export class IdleMonitor {
    protected readonly lastActivity = new Map<string, number>();
    protected readonly states = new Map<string, State>();
    protected timeouts = new Map<string, number>();
    protected timer?: NodeJS.Timeout;
    protected readonly unsubscribe: () => void;
    protected readonly options: Required<IdleOptions>;

    constructor(
        protected readonly directory: WorkspaceDirectory,
        protected readonly tokens: WorkspaceTokens,
        protected readonly metrics: GatewayMetrics,
        protected readonly log: (entry: Record<string, unknown>) => void,
        options: IdleOptions = {}
    ) {
        this.options = { checkIntervalMs: 15_000, defaultTimeoutSeconds: 1800, warningSeconds: 300, prepareTimeoutMs: 30_000, ...options };
        // A workspace's idle time counts from when it runs.
        this.unsubscribe = directory.onChange((ws, deleted) => {
            const key = `${ws.tenant}/${ws.id}`;
            if (deleted || ws.phase !== 'running') {
                this.lastActivity.delete(key);
                this.states.delete(key);
            } else if (!this.lastActivity.has(key)) {
                this.lastActivity.set(key, Date.now());
            }
        });
    }

    async start(): Promise<void> {
        const classes = await this.directory.classes();
        this.timeouts = new Map(classes.map(c => [c.name, c.idleTimeoutSeconds]));
        this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
        this.timer.unref();
    }

    stop(): void {
        clearInterval(this.timer);
        this.unsubscribe();
    }

    /** Something happened in the workspace: the idle clock starts again. */
    touch(tenant: string, id: string): void {
        const key = `${tenant}/${id}`;
        if (this.lastActivity.has(key) || this.directory.get(tenant, id)?.phase === 'running') {
            this.lastActivity.set(key, Date.now());
            this.states.set(key, 'active');
        }
    }

    timeoutSeconds(className: string): number {
        return this.timeouts.get(className) ?? this.options.defaultTimeoutSeconds;
    }

    /** One look at every running workspace; public so that tests and benchmarks can drive it. */
    async check(now = Date.now()): Promise<void> {
        await Promise.all(this.directory.list().filter(ws => ws.phase === 'running' && ws.desiredState === 'running').map(ws => this.checkOne(ws, now)));
    }

    protected async checkOne(ws: WorkspaceView, now: number): Promise<void> {
        const key = `${ws.tenant}/${ws.id}`;
        const timeout = this.timeoutSeconds(ws.className) * 1000;
        if (timeout <= 0) {
            return;
        }
        const last = this.lastActivity.get(key) ?? now;
        this.lastActivity.set(key, last);
        const idle = now - last;
        const warning = Math.min(this.options.warningSeconds * 1000, timeout / 3);
        const state = this.states.get(key) ?? 'active';
        if (idle < timeout - warning || state === 'stopping') {
            return;
        }
        if (state === 'active') {
            // Always a warning first, even when a late check finds the time already up.
            this.states.set(key, 'warned');
            const stopsInSeconds = Math.max(1, Math.round(Math.max(timeout - idle, this.options.checkIntervalMs) / 1000));
            this.log({ level: 'info', msg: 'workspace idle; warning the IDE', tenant: ws.tenant, workspace: ws.id, stopsInSeconds });
            await this.callIde(ws, 'idle-warning', { stopsInSeconds }).catch(err =>
                this.log({ level: 'warn', msg: 'could not warn the IDE', tenant: ws.tenant, workspace: ws.id, error: (err as Error).message }));
        } else if (idle >= timeout) {
            this.states.set(key, 'stopping');
            await this.stopIdle(ws, key, idle);
        }
    }

    protected async stopIdle(ws: WorkspaceView, key: string, idleMs: number): Promise<void> {
        let answer: { status: number; body: { error?: string; saved?: number } } | undefined;
        try {
            answer = await this.callIde(ws, 'prepare-stop', {});
        } catch (err) {
            // An IDE that does not answer holds no editor anyone could still save.
            this.log({ level: 'warn', msg: 'the IDE did not answer prepare-stop; stopping anyway', tenant: ws.tenant, workspace: ws.id, error: (err as Error).message });
        }
        if (answer && answer.status !== 200) {
            // The IDE could not save: stopping would lose work. Warn again and try later.
            this.metrics.idleStops.inc({ result: 'save-failed' });
            this.log({ level: 'error', msg: 'idle stop held back: the IDE could not save its editors', tenant: ws.tenant, workspace: ws.id, status: answer.status, error: answer.body.error });
            const timeout = this.timeoutSeconds(ws.className) * 1000;
            this.lastActivity.set(key, Date.now() - timeout + Math.min(this.options.warningSeconds * 1000, timeout / 3));
            this.states.set(key, 'active');
            return;
        }
        this.log({ level: 'info', msg: 'stopping idle workspace', tenant: ws.tenant, workspace: ws.id, idleSeconds: Math.round(idleMs / 1000), saved: answer?.body.saved });
        try {
            await this.directory.stop(ws.tenant, ws.id);
            this.metrics.idleStops.inc({ result: 'stopped' });
        } catch (err) {
            this.states.set(key, 'active');
            this.log({ level: 'warn', msg: 'idle stop failed; trying again later', tenant: ws.tenant, workspace: ws.id, error: (err as Error).message });
        }
    }

    protected async callIde(ws: WorkspaceView, what: 'idle-warning' | 'prepare-stop', body: object): Promise<{ status: number; body: { error?: string; saved?: number } }> {
        if (!ws.ideUrl) {
            throw new Error('the workspace has no IDE address');
        }
        const res = await fetch(new URL(`_warren/v1/${what}`, ws.ideUrl), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.tokens.token(ws.tenant, ws.id)}` },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(this.options.prepareTimeoutMs)
        });
        const text = await res.text();
        let parsed: { error?: string; saved?: number } = {};
        try {
            parsed = text ? JSON.parse(text) : {};
        } catch {
            parsed = { error: text.slice(0, 200) };
        }
        return { status: res.status, body: parsed };
    }
}
