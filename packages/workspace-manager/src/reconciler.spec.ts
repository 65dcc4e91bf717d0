import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '@warren/testing';
import { WorkspaceKey } from '@warren/workspace-api';
import { Intents } from './api/intents';
import { DEFAULT_CLASSES, WorkspaceClass } from './classes';
import { PrepareStopOutcome } from './ide/ide-client';
import { Observation } from './lifecycle/phase';
import { WorkspaceRecord } from './model';
import { Provider, RuntimeFacts, WorkspaceRef } from './providers/provider';
import { IdeCalls, Reconciler } from './reconciler';
import { SqliteStore } from './store/sqlite-store';

/**
 * A provider that only pretends (the real one is tested in reconciler.slow-spec.ts): each workspace's
 * observation is set by the test, and every call is recorded. `hang` makes start or stop wait until released.
 */
class FakeProvider implements Provider {
    readonly name = 'fake';
    readonly calls: string[] = [];
    readonly seen = new Map<string, Observation & RuntimeFacts>();
    readonly hang = new Map<string, Promise<void>>();
    protected listeners = new Set<(tenant: string, id: string) => void>();

    set(key: string, obs: Partial<Observation & RuntimeFacts>): void {
        this.seen.set(key, { storage: 'ready', runtime: 'absent', ready: false, notes: [], ...obs });
    }

    async observe(ws: WorkspaceRecord): Promise<Observation & RuntimeFacts> {
        return this.seen.get(`${ws.tenant}/${ws.id}`) ?? { storage: 'absent', runtime: 'absent', ready: false, notes: [] };
    }

    async ensureStorage(ws: WorkspaceRecord): Promise<void> {
        this.calls.push(`ensureStorage ${ws.id}`);
        this.set(`${ws.tenant}/${ws.id}`, {});
    }

    async start(ws: WorkspaceRecord, _cls: WorkspaceClass): Promise<void> {
        this.calls.push(`start ${ws.id}`);
        await this.hang.get(`start ${ws.id}`);
        this.set(`${ws.tenant}/${ws.id}`, { runtime: 'starting', launchedAt: Date.now() });
    }

    async stop(ref: WorkspaceRef): Promise<void> {
        this.calls.push(`stop ${ref.id}`);
        await this.hang.get(`stop ${ref.id}`);
        const key = `${ref.tenant}/${ref.id}`;
        if (this.seen.has(key)) {
            this.set(key, { runtime: 'absent' });
        }
    }

    async remove(ref: WorkspaceRef): Promise<void> {
        this.calls.push(`remove ${ref.id}`);
        this.seen.delete(`${ref.tenant}/${ref.id}`);
    }

    async list(): Promise<WorkspaceRef[]> {
        return [...this.seen.entries()].filter(([, o]) => o.runtime !== 'absent').map(([key]) => ({ tenant: key.split('/')[0], id: key.split('/')[1] }));
    }

    onDidChange(listener: (tenant: string, id: string) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    fire(tenant: string, id: string): void {
        this.listeners.forEach(l => l(tenant, id));
    }

    async dispose(): Promise<void> { /* nothing held */ }
}

/** The IDE's answers to prepare-stop, per workspace id; recorded. */
class FakeIde implements IdeCalls {
    readonly asked: string[] = [];
    readonly answers = new Map<string, PrepareStopOutcome>();

    async prepareStop(ws: WorkspaceRecord): Promise<PrepareStopOutcome> {
        this.asked.push(ws.id);
        return this.answers.get(ws.id) ?? { kind: 'saved', clients: 1, saved: 1 };
    }
}

const RUNNING: Partial<Observation & RuntimeFacts> = { runtime: 'running', ready: true, url: 'http://127.0.0.1:1/', runtimeId: '42' };

interface Rig {
    store: SqliteStore;
    intents: Intents;
    provider: FakeProvider;
    ide: FakeIde;
    reconciler: Reconciler;
    /** Workspaces whose stop was held back, once per stop. */
    heldBack: string[];
    /** Creates a workspace, optionally with an observation already in place. */
    create(id: string, obs?: Partial<Observation & RuntimeFacts>, intent?: Partial<WorkspaceRecord>): Promise<void>;
    get(id: string): Promise<WorkspaceRecord | undefined>;
    until(what: string, check: () => Promise<boolean> | boolean): Promise<void>;
    close(): Promise<void>;
}

async function rig(options: ConstructorParameters<typeof Reconciler>[5] = {}): Promise<Rig> {
    const store = new SqliteStore(':memory:');
    const provider = new FakeProvider();
    const ide = new FakeIde();
    const heldBack: string[] = [];
    const reconciler = new Reconciler(store, provider, new Map(DEFAULT_CLASSES.map(c => [c.name, c])), ide, { onStopHeldBack: ws => heldBack.push(ws.id) }, { startPollMs: 20, stopRetryMs: 50, resyncMs: 60_000, ...options });
    await reconciler.start();
    return {
        store, intents: new Intents(store), provider, ide, reconciler, heldBack,
        async create(id, obs, intent = {}) {
            if (obs) {
                provider.set(`t/${id}`, obs);
            }
            const now = new Date().toISOString();
            await store.createWorkspace({
                tenant: 't', id, name: id, className: 'small', desired: 'running', deleting: false, forceStop: false, goEnv: {}, source: { kind: 'template' }, createdAt: now,
                generation: 1, status: { phase: 'pending', version: 1, conditions: [], updatedAt: now }, ...intent
            });
        },
        get: id => store.getWorkspace('t', id),
        async until(what, check) {
            await eventually(`${what}; calls: ${provider.calls.join(', ')}`, async () => (await check()) || undefined, 5_000, 5);
        },
        async close() {
            await reconciler.stop();
            store.close();
        }
    };
}

const phaseOf = async (r: Rig, id: string): Promise<string | undefined> => (await r.get(id))?.status.phase;

/** One row: the workspace's intent and what the provider observes in; the phase and the provider's actions out. */
const table: Array<{ name: string; intent?: Partial<WorkspaceRecord>; obs?: Partial<Observation & RuntimeFacts>; prepare?: PrepareStopOutcome; phase: string; calls: string[]; asked?: string[]; condition?: RegExp; reason?: RegExp }> = [
    { name: 'a new workspace gets its files, then a launched IDE', phase: 'starting', calls: ['ensureStorage w', 'start w'] },
    { name: 'an IDE that answers is running, and left alone', obs: RUNNING, phase: 'running', calls: [] },
    { name: 'a launched IDE that does not answer yet is starting', obs: { runtime: 'starting', launchedAt: Date.now() }, phase: 'starting', calls: [] },
    {
        name: 'a start that takes too long fails, and its runtime goes', obs: { runtime: 'starting', launchedAt: Date.now() - 120_000 },
        phase: 'failed', calls: ['stop w'], reason: /did not answer within 60 s/
    },
    { name: 'a crash is a failure with its reason', obs: { runtime: 'exited', exitReason: 'signal SIGKILL' }, phase: 'failed', calls: ['stop w'], reason: /stopped by itself \(signal SIGKILL\)/ },
    { name: 'a stop saves first, then stops', intent: { desired: 'stopped' }, obs: RUNNING, phase: 'stopped', calls: ['stop w'], asked: ['w'] },
    {
        name: 'an IDE that does not answer prepare-stop is stopped', intent: { desired: 'stopped' }, obs: RUNNING,
        prepare: { kind: 'unreachable', message: 'ECONNREFUSED' }, phase: 'stopped', calls: ['stop w'], asked: ['w']
    },
    {
        name: 'an unsaved editor holds the stop back, visibly', intent: { desired: 'stopped' }, obs: RUNNING,
        prepare: { kind: 'refused', unsaved: ['Untitled-1 (never saved)'], message: 'x' }, phase: 'running', calls: [], asked: ['w'],
        condition: /^StopHeldBack: could not save Untitled-1 \(never saved\)\. Save or close it/
    },
    {
        name: 'a forced stop goes on, whatever could not be saved', intent: { desired: 'stopped', forceStop: true }, obs: RUNNING,
        prepare: { kind: 'refused', unsaved: ['Untitled-1 (never saved)'], message: 'x' }, phase: 'stopped', calls: ['stop w'], asked: ['w']
    },
    { name: 'a starting IDE that is to stop is stopped without asking', intent: { desired: 'stopped' }, obs: { runtime: 'starting', launchedAt: Date.now() }, phase: 'stopped', calls: ['stop w'], asked: [] },
    { name: 'a deletion removes runtime and files, then the record', intent: { deleting: true }, obs: RUNNING, phase: 'gone', calls: ['remove w'] },
    { name: 'an unknown class fails with what to do', intent: { className: 'huge' }, obs: {}, phase: 'failed', calls: [], reason: /class "huge" no longer exists/ }
];

describe('Reconciler against a fake provider', () => {
    for (const row of table) {
        it(`should handle ${row.name}`, async () => {
            const r = await rig();
            try {
                if (row.prepare) {
                    r.ide.answers.set('w', row.prepare);
                }
                await r.create('w', row.obs, row.intent);
                await r.until(`phase ${row.phase}`, async () => (await phaseOf(r, 'w') ?? 'gone') === row.phase);
                // Settled: give the queue a moment to do anything more it would.
                await new Promise(resolve => setTimeout(resolve, 120));
                const ws = await r.get('w');
                assert.equal(ws?.status.phase ?? 'gone', row.phase);
                assert.deepEqual(r.provider.calls.filter((c, i, all) => all.indexOf(c) === i), row.calls);
                if (row.asked) {
                    assert.deepEqual([...new Set(r.ide.asked)], row.asked);
                }
                if (row.condition) {
                    assert.ok(ws?.status.conditions.some(c => row.condition!.test(c)), JSON.stringify(ws?.status.conditions));
                }
                if (row.reason) {
                    assert.match(ws?.status.failureReason ?? '', row.reason);
                }
            } finally {
                await r.close();
            }
        });
    }

    it('should keep a failure while the intent stays, and clear it when the workspace is started again', async () => {
        const r = await rig();
        try {
            await r.create('w', { runtime: 'exited', exitReason: 'exit code 1' });
            await r.until('failed', async () => await phaseOf(r, 'w') === 'failed');
            r.provider.fire('t', 'w');
            await new Promise(resolve => setTimeout(resolve, 100));
            assert.equal(await phaseOf(r, 'w'), 'failed', 'sticky');
            await r.intents.setDesired('t', 'w', 'running');
            await r.until('starting again', async () => await phaseOf(r, 'w') === 'starting');
            assert.equal((await r.get('w'))?.status.failureReason, undefined);
        } finally {
            await r.close();
        }
    });

    it('should let a held-back stop go on once the editor is saved or closed', async () => {
        const r = await rig();
        try {
            r.ide.answers.set('w', { kind: 'refused', unsaved: ['Untitled-1'], message: 'x' });
            await r.create('w', RUNNING, { desired: 'stopped' });
            await r.until('held back', async () => (await r.get('w'))?.status.conditions.some(c => c.startsWith('StopHeldBack:')) ?? false);
            // Asked again every stopRetryMs, counted once.
            await r.until('asked again', () => r.ide.asked.length >= 3);
            assert.deepEqual(r.heldBack, ['w']);
            r.ide.answers.delete('w');
            await r.until('stopped', async () => await phaseOf(r, 'w') === 'stopped');
            assert.equal((await r.get('w'))?.status.conditions.some(c => c.startsWith('StopHeldBack:')), false);
        } finally {
            await r.close();
        }
    });

    it('should stop a runtime that has no workspace', async () => {
        const r = await rig();
        try {
            r.provider.set('t/orphan', RUNNING);
            r.reconciler.enqueue('t/orphan' as WorkspaceKey);
            await r.until('the orphan stopped', () => r.provider.calls.includes('stop orphan'));
        } finally {
            await r.close();
        }
    });

    it('should stop one workspace and delete another while a third one\'s start hangs', async () => {
        const r = await rig({ concurrency: 4 });
        let release!: () => void;
        r.provider.hang.set('start slow', new Promise<void>(resolve => { release = resolve; }));
        try {
            await r.create('slow', {});
            await r.until('the slow start under way', () => r.provider.calls.includes('start slow'));
            await r.create('busy', RUNNING);
            await r.create('doomed', RUNNING);
            await r.until('busy running', async () => await phaseOf(r, 'busy') === 'running');
            await r.intents.setDesired('t', 'busy', 'stopped');
            await r.intents.markDeleting('t', 'doomed');
            await r.until('busy stopped', async () => await phaseOf(r, 'busy') === 'stopped');
            await r.until('doomed gone', async () => await r.get('doomed') === undefined);
            r.provider.set('t/crashy', RUNNING);
            await r.create('crashy', RUNNING);
            await r.until('crashy running', async () => await phaseOf(r, 'crashy') === 'running');
            r.provider.set('t/crashy', { runtime: 'exited', exitReason: 'signal SIGKILL' });
            r.provider.fire('t', 'crashy');
            await r.until('the crash seen', async () => await phaseOf(r, 'crashy') === 'failed');
            assert.ok(!r.provider.calls.includes('start slow') || await phaseOf(r, 'slow') !== 'running', 'the slow start is still under way');
        } finally {
            release();
            await r.close();
        }
    });

    it('should never handle one workspace twice at once', async () => {
        const r = await rig({ concurrency: 8 });
        let release!: () => void;
        r.provider.hang.set('stop w', new Promise<void>(resolve => { release = resolve; }));
        try {
            await r.create('w', RUNNING, { desired: 'stopped' });
            await r.until('the stop under way', () => r.provider.calls.includes('stop w'));
            for (let i = 0; i < 20; i++) {
                r.reconciler.enqueue('t/w');
                r.provider.fire('t', 'w');
            }
            await new Promise(resolve => setTimeout(resolve, 50));
            assert.deepEqual(r.provider.calls.filter(c => c === 'stop w'), ['stop w'], 'one stop in flight, however many events came');
            assert.deepEqual(r.ide.asked, ['w'], 'asked to save once');
        } finally {
            release();
            await r.close();
        }
    });
});
