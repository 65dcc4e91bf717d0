import { EventEmitter } from 'events';
import { parseWorkspaceKey, WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { WorkspaceClass } from './classes';
import { PrepareStopOutcome } from './ide/ide-client';
import { derivePhase, DerivedStatus, Observation } from './lifecycle/phase';
import { WorkQueue, WorkResult } from './lifecycle/work-queue';
import { WorkspaceRecord, WorkspaceStatus } from './model';
import { Provider, RuntimeFacts } from './providers/provider';
import { ChangeFeed, WorkspaceChange } from './store/store-feed';
import { WorkspaceStore } from './store/workspace-store';

export { WorkspaceChange };

/** The calls the stop path makes to a running IDE (IdeClient; a fake in the unit tests). */
export interface IdeCalls {
    prepareStop(ws: WorkspaceRecord, ideUrl: string): Promise<PrepareStopOutcome>;
}

export interface ReconcilerOptions {
    /** Restart an IDE that crashed instead of marking the workspace failed, at most maxRestarts times in windowMs. */
    restartCrashed?: { maxRestarts: number; windowMs: number };
    /** How many workspaces are handled at once; default 8. */
    concurrency?: number;
    /** How often every workspace is looked at even without an event; default 5 s. */
    resyncMs?: number;
    /** How long an IDE may take from launch to answering; default 60 s. */
    startTimeoutMs?: number;
    /** How long a stop held back by unsaved editors waits before asking the IDE again; default 10 s. */
    stopRetryMs?: number;
    /** While a start is under way, how often to look whether it is ready; default 250 ms. */
    startPollMs?: number;
    /** When an idle workspace stops, for its status (the idle clock's). */
    idleStopsAt?(key: WorkspaceKey): string | undefined;
}

export interface ReconcilerHooks {
    /** A reconcile step threw; it is retried with backoff. */
    onError?(key: WorkspaceKey, err: Error): void;
    /** A start or stop finished, with how long it took. */
    onTransition?(kind: 'start' | 'stop', seconds: number): void;
    /** A stop was held back: the IDE could not save everything. Once per stop, not per retry. */
    onStopHeldBack?(ws: WorkspaceRecord): void;
    /** Something worth a log line. */
    log?(entry: Record<string, unknown>): void;
}

/** A stop the IDE refused because something could not be saved. */
interface HeldStop {
    text: string;
    retryAt: number;
}

/**
 * Converges each workspace to its intent: observe, derive the phase, publish the status if it
 * changed, act. It is the only writer of status (and of the failure inside it). Work is a queue of
 * workspace keys with bounded concurrency, fed by the store's and the provider's events and a
 * periodic resync; a start launches and returns, and readiness is seen on a later look, so that a
 * slow start holds up nobody else.
 *
 * Every stop takes one path, whoever asked: the IDE is asked to save its editors, then stopped. If
 * it could not save something the stop is held back, with a StopHeldBack condition naming it, until
 * that is saved or closed or the stop is forced. An IDE that does not answer is stopped.
 */
export class Reconciler implements ChangeFeed {
    protected readonly events = new EventEmitter();
    protected readonly queue: WorkQueue<WorkspaceKey>;
    protected readonly options: Required<Omit<ReconcilerOptions, 'restartCrashed' | 'idleStopsAt'>> & ReconcilerOptions;
    /** The last record seen of each workspace. */
    protected readonly cache = new Map<WorkspaceKey, WorkspaceRecord>();
    protected readonly holds = new Map<WorkspaceKey, HeldStop>();
    /** When this manager launched an IDE, for the start metric. */
    protected readonly launched = new Map<WorkspaceKey, number>();
    /** Per workspace, when its IDE crashed recently and why (only kept when crashed IDEs are restarted). */
    protected readonly crashes = new Map<WorkspaceKey, Array<{ at: number; reason: string }>>();
    /** Workspaces this reconciler just removed: the store's event for that needs no look. */
    protected readonly removed = new Set<WorkspaceKey>();
    protected readonly unsubscribe: Array<() => void> = [];
    protected timer?: NodeJS.Timeout;

    constructor(
        protected readonly store: WorkspaceStore,
        protected readonly provider: Provider,
        protected readonly classes: Map<string, WorkspaceClass>,
        protected readonly ide: IdeCalls,
        protected readonly hooks: ReconcilerHooks = {},
        options: ReconcilerOptions = {}
    ) {
        this.events.setMaxListeners(0);
        this.options = { concurrency: 8, resyncMs: 5_000, startTimeoutMs: 60_000, stopRetryMs: 10_000, startPollMs: 250, ...options };
        this.queue = new WorkQueue(key => this.reconcile(key), {
            concurrency: this.options.concurrency,
            onError: (key, err) => this.hooks.onError?.(key as WorkspaceKey, err)
        });
    }

    /** Starts listening and looks at every workspace and every runtime the provider has. */
    async start(): Promise<void> {
        this.unsubscribe.push(this.store.onDidChange(key => this.enqueue(key)));
        this.unsubscribe.push(this.provider.onDidChange((tenant, id) => this.enqueue(workspaceKey({ tenant, id }))));
        await this.resync();
        this.timer = setInterval(() => void this.resync().catch(err => this.hooks.log?.({ level: 'warn', msg: 'resync failed', error: (err as Error).message })), this.options.resyncMs);
        this.timer.unref();
    }

    /** Takes no more work and waits for what is in hand. Runtimes are left as they are. */
    async stop(): Promise<void> {
        clearInterval(this.timer);
        this.unsubscribe.splice(0).forEach(u => u());
        await this.queue.close();
    }

    onDidChange(listener: (change: WorkspaceChange) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.off('change', listener);
    }

    /** Asks for a look at one workspace soon. */
    enqueue(key: WorkspaceKey): void {
        this.queue.add(key);
    }

    /** The workspaces as last seen (the idle clock reads them). */
    known(): WorkspaceRecord[] {
        return [...this.cache.values()];
    }

    /** Every workspace in the store, and every runtime the provider has (a runtime without a workspace is stopped). */
    protected async resync(): Promise<void> {
        const records = await this.store.listWorkspaces();
        const keys = new Set<WorkspaceKey>(records.map(workspaceKey));
        for (const ws of records) {
            this.cache.set(workspaceKey(ws), ws);
        }
        for (const ref of await this.provider.list()) {
            keys.add(workspaceKey(ref));
        }
        keys.forEach(key => this.queue.add(key));
    }

    protected async reconcile(key: WorkspaceKey): Promise<WorkResult> {
        const ref = parseWorkspaceKey(key);
        let ws = await this.store.getWorkspace(ref.tenant, ref.id);
        if (!ws) {
            // A runtime without a workspace: a deletion cut short by a crash, or a stray IDE.
            this.forget(key);
            if (!this.removed.delete(key)) {
                await this.provider.stop(ref);
            }
            return {};
        }
        this.cache.set(key, ws);
        let obs = await this.provider.observe(ws);
        // A failure is sticky while the intent stays as it was; a start or stop since clears it.
        let failure = ws.status.failureReason && ws.status.failedGeneration === ws.generation ? ws.status.failureReason : undefined;
        if (!failure && !ws.deleting && ws.desired === 'running') {
            if (obs.runtime === 'exited') {
                const reason = obs.exitReason ?? 'no reason given';
                await this.provider.stop(ws);
                if (!this.restartAllowed(key, reason)) {
                    failure = `The IDE stopped by itself (${reason}).`;
                }
                obs = await this.provider.observe(ws);
            } else if (obs.gaveUp) {
                failure = obs.gaveUp;
                await this.provider.stop(ws);
                obs = await this.provider.observe(ws);
            } else if (obs.runtime !== 'absent' && !obs.ready && obs.launchedAt !== undefined && Date.now() - obs.launchedAt > this.options.startTimeoutMs) {
                failure = `The IDE did not answer within ${Math.round(this.options.startTimeoutMs / 1000)} s${obs.lastWords ? `; ${obs.lastWords}` : ''}.`;
                await this.provider.stop(ws);
                obs = await this.provider.observe(ws);
            }
        }
        if (ws.desired === 'running' || ws.deleting) {
            this.holds.delete(key);
        }
        ws = await this.publish(ws, this.derive(ws, obs, failure), obs, failure);

        if (ws.status.phase === 'deleting') {
            await this.provider.remove(ws);
            this.removed.add(key);
            await this.store.removeWorkspace(ws.tenant, ws.id);
            this.forget(key);
            this.events.emit('change', { workspace: ws, deleted: true });
            return {};
        }
        if (ws.status.phase === 'failed') {
            if (obs.runtime === 'running' || obs.runtime === 'starting') {
                await this.provider.stop(ws);
            }
            return {};
        }
        if (ws.desired === 'running') {
            return this.run(ws, obs);
        }
        if (obs.runtime === 'running' || obs.runtime === 'starting') {
            return this.stopIde(ws, obs);
        }
        return {};
    }

    protected derive(ws: WorkspaceRecord, obs: Observation, failure: string | undefined): DerivedStatus {
        const held = ws.desired === 'stopped' && !ws.forceStop ? this.holds.get(workspaceKey(ws)) : undefined;
        return derivePhase({ desired: ws.desired, deleting: ws.deleting, failure, stopHeldBack: held?.text, observed: obs });
    }

    protected async run(ws: WorkspaceRecord, obs: Observation & RuntimeFacts): Promise<WorkResult> {
        const key = workspaceKey(ws);
        if (obs.storage === 'absent') {
            await this.provider.ensureStorage(ws);
            return { requeueAfterMs: 1 };
        }
        if (obs.storage === 'creating') {
            return { requeueAfterMs: this.options.startPollMs }; // a clone: the provider says when it is done
        }
        if (obs.runtime === 'absent') {
            const cls = this.classes.get(ws.className);
            if (!cls) {
                const reason = `The workspace class "${ws.className}" no longer exists: ask an admin, or create the workspace again with another class.`;
                await this.publish(ws, { phase: 'failed', failureReason: reason, conditions: [] }, obs, reason);
                return {};
            }
            this.launched.set(key, Date.now());
            try {
                await this.provider.start(ws, cls);
            } catch (err) {
                const reason = `The IDE did not start: ${(err as Error).message.split('\n')[0]}`;
                await this.provider.stop(ws);
                await this.publish(ws, { phase: 'failed', failureReason: reason, conditions: [] }, obs, reason);
                return {};
            }
            return { requeueAfterMs: this.options.startPollMs };
        }
        if (!obs.ready) {
            return { requeueAfterMs: this.options.startPollMs };
        }
        const launched = this.launched.get(key);
        if (launched !== undefined) {
            this.launched.delete(key);
            this.hooks.onTransition?.('start', (Date.now() - launched) / 1000);
        }
        return {};
    }

    /** The one stop path: save, then stop; held back while something cannot be saved, unless forced. */
    protected async stopIde(ws: WorkspaceRecord, obs: Observation & RuntimeFacts): Promise<WorkResult> {
        const key = workspaceKey(ws);
        const started = Date.now();
        if (obs.runtime === 'running' && obs.ready && obs.url) {
            const held = this.holds.get(key);
            if (held && !ws.forceStop && Date.now() < held.retryAt) {
                return { requeueAfterMs: held.retryAt - Date.now() };
            }
            const outcome = await this.ide.prepareStop(ws, obs.url);
            if (outcome.kind === 'refused') {
                const text = heldText(outcome);
                if (!ws.forceStop) {
                    this.holds.set(key, { text, retryAt: Date.now() + this.options.stopRetryMs });
                    if (!held) {
                        this.hooks.onStopHeldBack?.(ws);
                    }
                    if (held?.text !== text) {
                        this.hooks.log?.({ level: 'warn', msg: 'stop held back: the IDE could not save everything', tenant: ws.tenant, workspace: ws.id, unsaved: text });
                        await this.publish(ws, this.derive(ws, obs, undefined), obs, undefined);
                    }
                    return { requeueAfterMs: this.options.stopRetryMs };
                }
                this.hooks.log?.({ level: 'warn', msg: 'forced stop: what could not be saved is lost', tenant: ws.tenant, workspace: ws.id, lost: text });
            } else if (outcome.kind === 'unreachable') {
                this.hooks.log?.({ level: 'warn', msg: 'the IDE did not answer prepare-stop; stopping it, since nothing unsaved can be reached', tenant: ws.tenant, workspace: ws.id, error: outcome.message });
            }
        }
        this.holds.delete(key);
        await this.provider.stop(ws);
        this.hooks.onTransition?.('stop', (Date.now() - started) / 1000);
        return { requeueAfterMs: 1 };
    }

    protected forget(key: WorkspaceKey): void {
        this.cache.delete(key);
        this.holds.delete(key);
        this.launched.delete(key);
        this.crashes.delete(key);
    }

    protected restartAllowed(key: WorkspaceKey, reason: string): boolean {
        const policy = this.options.restartCrashed;
        if (!policy) {
            return false;
        }
        const now = Date.now();
        const recent = [...(this.crashes.get(key) ?? []), { at: now, reason }].filter(c => now - c.at < policy.windowMs);
        this.crashes.set(key, recent);
        return recent.length <= policy.maxRestarts;
    }

    /** Conditions that tell of restarts after crashes, so that a restarted IDE does not look as if nothing happened. */
    protected crashConditions(key: WorkspaceKey): string[] {
        const recent = this.crashes.get(key) ?? [];
        return recent.length ? [`Restarted: after ${recent.length} crash(es), last: ${recent[recent.length - 1].reason}`] : [];
    }

    /** Writes and announces the status when it changed; the version orders the updates. */
    protected async publish(ws: WorkspaceRecord, derived: DerivedStatus, facts: RuntimeFacts, failure: string | undefined): Promise<WorkspaceRecord> {
        const key = workspaceKey(ws);
        const next: WorkspaceStatus = {
            phase: derived.phase,
            version: ws.status.version + 1,
            url: derived.phase === 'running' ? facts.url : undefined,
            failureReason: derived.phase === 'failed' ? derived.failureReason ?? failure : undefined,
            failedGeneration: derived.phase === 'failed' && failure ? ws.generation : undefined,
            conditions: [...derived.conditions, ...this.crashConditions(key), ...facts.notes],
            node: facts.node,
            runtimeId: facts.runtimeId,
            gpu: facts.gpu,
            idleStopsAt: derived.phase === 'running' ? this.options.idleStopsAt?.(key) : undefined,
            progress: derived.phase === 'creating' ? facts.progress : undefined,
            updatedAt: new Date().toISOString()
        };
        const same = (['phase', 'url', 'failureReason', 'failedGeneration', 'node', 'runtimeId', 'gpu', 'idleStopsAt', 'progress'] as const).every(k => next[k] === ws.status[k])
            && next.conditions.join('\n') === ws.status.conditions.join('\n');
        if (same) {
            return ws;
        }
        if (await this.store.updateStatus(ws.tenant, ws.id, next) !== 'ok') {
            // Written meanwhile by someone else (another manager during a hand-over): read it again.
            return await this.store.getWorkspace(ws.tenant, ws.id) ?? ws;
        }
        const updated = { ...ws, status: next };
        this.cache.set(key, updated);
        this.events.emit('change', { workspace: updated, deleted: false });
        return updated;
    }
}

/** What a held-back stop says: what could not be saved and what to do. */
function heldText(outcome: Extract<PrepareStopOutcome, { kind: 'refused' }>): string {
    const what = outcome.unsaved.length ? outcome.unsaved.join('; ') : outcome.message;
    return `could not save ${what}. Save or close it in the IDE and the stop goes on, or force the stop (loses it).`;
}
