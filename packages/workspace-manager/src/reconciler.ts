import { EventEmitter } from 'events';
import { WorkspaceClass } from './classes';
import { derivePhase, DerivedStatus } from './lifecycle/phase';
import { WorkspaceRecord, WorkspaceStatus } from './model';
import { Provider, RuntimeFacts } from './providers/provider';
import { SqliteStore } from './store/sqlite-store';

export interface WorkspaceChange {
    workspace: WorkspaceRecord;
    deleted: boolean;
}

export interface ReconcilerOptions {
    /** Restart an IDE that crashed instead of marking the workspace failed, at most maxRestarts times in windowMs. */
    restartCrashed?: { maxRestarts: number; windowMs: number };
}

export interface ReconcilerHooks {
    /** A reconcile step threw; it is retried on the next pass. */
    onError?(ws: WorkspaceRecord, err: Error): void;
    /** A start or stop finished, with how long it took. */
    onTransition?(kind: 'start' | 'stop', seconds: number): void;
}

/**
 * Converges every workspace to its desired state: observe, derive the phase, publish the status if
 * it changed, act. The API only records intent and calls trigger(); a periodic pass catches the rest.
 * Passes never overlap, and a failed step is retried on the next one.
 */
export class Reconciler {
    protected readonly events = new EventEmitter();
    protected timer: NodeJS.Timeout | undefined;
    protected running = false;
    protected again = false;
    protected stopped = false;
    /** Per workspace, when its IDE crashed recently and why (only kept when crashed IDEs are restarted). */
    protected readonly crashes = new Map<string, Array<{ at: number; reason: string }>>();

    constructor(
        protected readonly store: SqliteStore,
        protected readonly provider: Provider,
        protected readonly classes: Map<string, WorkspaceClass>,
        protected readonly hooks: ReconcilerHooks = {},
        protected readonly options: ReconcilerOptions = {}
    ) {
        this.events.setMaxListeners(0);
        provider.onDidChange(() => this.trigger());
    }

    start(intervalMs = 2_000): void {
        this.timer = setInterval(() => this.trigger(), intervalMs);
        this.trigger();
    }

    async stop(): Promise<void> {
        this.stopped = true;
        clearInterval(this.timer);
        while (this.running) {
            await new Promise(resolve => setTimeout(resolve, 20));
        }
    }

    onDidChange(listener: (change: WorkspaceChange) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.off('change', listener);
    }

    /** Asks for a pass soon; passes in flight finish first. */
    trigger(): void {
        if (this.stopped) {
            return;
        }
        if (this.running) {
            this.again = true;
            return;
        }
        this.running = true;
        void this.passes();
    }

    protected async passes(): Promise<void> {
        try {
            do {
                this.again = false;
                for (const ws of this.store.listWorkspaces()) {
                    if (this.stopped) {
                        return;
                    }
                    try {
                        await this.reconcile(ws);
                    } catch (err) {
                        this.hooks.onError?.(ws, err as Error);
                    }
                }
            } while (this.again && !this.stopped);
        } finally {
            this.running = false;
        }
    }

    protected async reconcile(initial: WorkspaceRecord): Promise<void> {
        let ws = initial;
        let obs = await this.provider.observe(ws);
        if (!ws.deleting && ws.desired === 'running' && obs.runtime === 'exited' && !ws.failure) {
            // A crash: clear the dead runtime; restart it if so configured and not crash-looping, else record
            // the failure (sticky until the next start).
            const reason = obs.exitReason ?? 'no reason given';
            await this.provider.stop(ws);
            if (!this.restartAllowed(ws, reason)) {
                this.store.recordFailure(ws.tenant, ws.id, `The IDE stopped by itself (${reason}).`);
            }
            ws = this.store.getWorkspace(ws.tenant, ws.id)!;
            obs = await this.provider.observe(ws);
        }
        const derived = derivePhase({ desired: ws.desired, deleting: ws.deleting, failure: ws.failure, observed: obs });
        ws = this.publish(ws, derived, obs);

        if (derived.phase === 'deleting') {
            await this.provider.remove(ws);
            this.store.removeWorkspace(ws.tenant, ws.id);
            this.events.emit('change', { workspace: ws, deleted: true });
            return;
        }
        if (derived.phase === 'failed') {
            return;
        }
        if (ws.desired === 'running') {
            if (obs.storage === 'absent') {
                await this.provider.ensureStorage(ws);
                this.again = true;
            } else if (obs.runtime === 'absent') {
                await this.startIde(ws);
            }
        } else if (obs.runtime === 'running' || obs.runtime === 'starting') {
            const started = Date.now();
            await this.provider.stop(ws);
            this.hooks.onTransition?.('stop', (Date.now() - started) / 1000);
            this.again = true;
        }
    }

    protected restartAllowed(ws: WorkspaceRecord, reason: string): boolean {
        const policy = this.options.restartCrashed;
        if (!policy) {
            return false;
        }
        const key = `${ws.tenant}/${ws.id}`;
        const now = Date.now();
        const recent = [...(this.crashes.get(key) ?? []), { at: now, reason }].filter(c => now - c.at < policy.windowMs);
        this.crashes.set(key, recent);
        return recent.length <= policy.maxRestarts;
    }

    /** Conditions that tell of restarts after crashes, so that a restarted IDE does not look as if nothing happened. */
    protected crashConditions(ws: WorkspaceRecord): string[] {
        const recent = this.crashes.get(`${ws.tenant}/${ws.id}`) ?? [];
        return recent.length ? [`Restarted after ${recent.length} crash(es), last: ${recent[recent.length - 1].reason}`] : [];
    }

    protected async startIde(ws: WorkspaceRecord): Promise<void> {
        const cls = this.classes.get(ws.className);
        if (!cls) {
            this.store.recordFailure(ws.tenant, ws.id, `The workspace class "${ws.className}" no longer exists: ask an admin, or create the workspace again with another class.`);
            this.again = true;
            return;
        }
        const started = Date.now();
        this.publish(ws, { phase: 'starting', conditions: [] }, { notes: [] });
        try {
            await this.provider.start(ws, cls);
            this.hooks.onTransition?.('start', (Date.now() - started) / 1000);
        } catch (err) {
            this.store.recordFailure(ws.tenant, ws.id, `The IDE did not start: ${(err as Error).message.split('\n')[0]}`);
            await this.provider.stop(ws);
        }
        this.again = true;
    }

    /** Writes and announces the status when it changed; the version orders the updates. */
    protected publish(ws: WorkspaceRecord, derived: DerivedStatus, facts: RuntimeFacts): WorkspaceRecord {
        const next: WorkspaceStatus = {
            phase: derived.phase,
            version: ws.status.version + 1,
            url: derived.phase === 'running' ? facts.url : undefined,
            failureReason: derived.failureReason,
            conditions: [...derived.conditions, ...this.crashConditions(ws), ...facts.notes],
            node: facts.node,
            runtimeId: facts.runtimeId,
            gpu: facts.gpu,
            updatedAt: new Date().toISOString()
        };
        const same = (['phase', 'url', 'failureReason', 'node', 'runtimeId', 'gpu'] as const).every(k => next[k] === ws.status[k])
            && next.conditions.join('\n') === ws.status.conditions.join('\n');
        if (same || !this.store.updateStatus(ws.tenant, ws.id, next)) {
            return this.store.getWorkspace(ws.tenant, ws.id) ?? ws;
        }
        const updated = { ...ws, status: next };
        this.events.emit('change', { workspace: updated, deleted: false });
        return updated;
    }
}
