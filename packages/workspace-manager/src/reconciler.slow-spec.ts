import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '@warren/testing';
import { Intents } from './api/intents';
import { DEFAULT_CLASSES } from './classes';
import { IdeClient } from './ide/ide-client';
import { WorkspaceTokens } from './ide/workspace-tokens';
import { Phase } from './lifecycle/phase';
import { WorkspaceRecord } from './model';
import { findIdeProcesses } from './providers/ide-processes';
import { LocalProvider } from './providers/local-provider';
import { Reconciler } from './reconciler';
import { SqliteStore } from './store/sqlite-store';

const REPO = path.resolve(__dirname, '..', '..', '..');
const ide = new IdeClient(new WorkspaceTokens(crypto.randomBytes(32)), 5_000);
const classes = new Map(DEFAULT_CLASSES.map(c => [c.name, c]));
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

function newRecord(tenant: string, id: string, goEnv: Record<string, string> = {}): WorkspaceRecord {
    const now = new Date().toISOString();
    return {
        tenant, id, name: id, className: 'small', desired: 'running', deleting: false, forceStop: false, goEnv, source: { kind: 'template' }, createdAt: now, generation: 1,
        status: { phase: 'pending', version: 1, conditions: [], updatedAt: now }
    };
}

/** The reconciler with the real local provider: IDE processes really start, stop, die and are adopted. */
describe('Reconciler with the local provider', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-reconciler-'));
    let store: SqliteStore;
    let intents: Intents;
    let provider: LocalProvider;
    let reconciler: Reconciler;
    const errors: string[] = [];

    const boot = async (): Promise<void> => {
        store = new SqliteStore(path.join(dataDir, 'warren.db'));
        intents = new Intents(store);
        provider = new LocalProvider({ dataDir, templateDir: path.join(REPO, 'examples', 'hello'), pollMs: 200 });
        reconciler = new Reconciler(store, provider, classes, ide, { onError: (_key, err) => errors.push(err.message) }, { resyncMs: 500 });
        await reconciler.start();
    };
    const shutdown = async (): Promise<void> => {
        await reconciler.stop();
        await provider.dispose();
        store.close();
    };
    const ws = async (): Promise<WorkspaceRecord> => (await store.getWorkspace('alice', 'api'))!;
    const phase = async (want: Phase, timeoutMs = 60_000): Promise<WorkspaceRecord> => {
        let last: WorkspaceRecord | undefined;
        return eventually(`phase ${want} (errors: ${errors.join('; ') || 'none'})`, async () => {
            last = await store.getWorkspace('alice', 'api');
            return last?.status.phase === want ? last : undefined;
        }, timeoutMs, 100).catch(err => { throw new Error(`${(err as Error).message}; status: ${JSON.stringify(last?.status)}`); });
    };
    const ides = (): number[] => (findIdeProcesses(dataDir).get('alice/api') ?? []).map(p => p.pid);

    before(async () => {
        await boot();
        await store.createWorkspace(newRecord('alice', 'api', { GOFLAGS: '-mod=mod' }));
    });
    after(async () => {
        const pid = Number((await store.getWorkspace('alice', 'api'))?.status.runtimeId);
        await shutdown();
        if (pid && alive(pid)) {
            process.kill(-pid, 'SIGKILL');
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('should create the folder and start an IDE that answers', async () => {
        const running = await phase('running');
        assert.deepEqual(ides(), [Number(running.status.runtimeId)], 'one IDE');
        assert.match(running.status.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
        assert.equal((await fetch(running.status.url!)).status, 200);
        assert.ok(fs.existsSync(path.join(provider.paths(running).files, 'main.go')), 'the template was copied');
        assert.ok(running.status.conditions.some(c => /NotApplied: cpu 2 is not limited by the local provider/.test(c)), 'what was not applied is said');
        const environ = fs.readFileSync(`/proc/${running.status.runtimeId}/environ`, 'utf8').split('\0');
        // Sandboxed (as root), the home shows at /home/<tenant's user>, the same in every workspace of the tenant.
        const home = process.getuid?.() === 0 ? /^\/home\/warren-[a-z0-9-]+$/ : new RegExp(`^${provider.paths(running).home}$`);
        const gopath = environ.find(e => e.startsWith('GOPATH='))?.slice('GOPATH='.length) ?? '';
        assert.match(path.dirname(gopath), home, `GOPATH=${gopath}`);
        const cacheProg = environ.find(e => e.startsWith('GOCACHEPROG='));
        assert.ok(cacheProg?.includes(` -shared ${provider.goCaches(running).shared}`), `the tenant's shared build cache: ${cacheProg}`);
        assert.ok(environ.includes('GOMEMLIMIT=2048MiB'), 'half of the class\'s 4Gi');
        assert.ok(environ.includes('GOFLAGS=-mod=mod'), 'the workspace\'s Go settings');
    });

    it('should stop it and start it again with its files', async () => {
        const pid = Number((await ws()).status.runtimeId);
        fs.writeFileSync(path.join(provider.paths(await ws()).files, 'notes.txt'), 'kept');
        await intents.setDesired('alice', 'api', 'stopped');
        await phase('stopped');
        assert.equal(alive(pid), false);
        await intents.setDesired('alice', 'api', 'running');
        const again = await phase('running');
        assert.notEqual(Number(again.status.runtimeId), pid);
        assert.equal(fs.readFileSync(path.join(provider.paths(again).files, 'notes.txt'), 'utf8'), 'kept');
    });

    it('should report an IDE killed with SIGKILL as failed, with the reason, until started again', async () => {
        const before = (await ws()).status.version;
        process.kill(Number((await ws()).status.runtimeId), 'SIGKILL');
        const failed = await phase('failed', 10_000);
        assert.match(failed.status.failureReason ?? '', /The IDE stopped by itself \(signal SIGKILL/);
        assert.ok(failed.status.version > before);
        await new Promise(resolve => setTimeout(resolve, 600));
        assert.equal((await ws()).status.phase, 'failed', 'a failure stays');
        await intents.setDesired('alice', 'api', 'running');
        await phase('running');
    });

    it('should adopt its running IDE after the manager restarts', async () => {
        const pid = Number((await ws()).status.runtimeId);
        await shutdown();
        assert.equal(alive(pid), true, 'the IDE outlives the manager');
        await boot();
        await new Promise(resolve => setTimeout(resolve, 800));
        const adopted = await phase('running');
        assert.equal(Number(adopted.status.runtimeId), pid);
        assert.deepEqual(ides(), [pid], 'no second IDE');
        // An adopted IDE that dies is seen too.
        process.kill(pid, 'SIGKILL');
        const failed = await phase('failed', 10_000);
        assert.match(failed.status.failureReason ?? '', new RegExp(`the IDE process ${pid} ended; its exit status is unknown`));
    });

    it('should find an IDE whose launch a crash left unrecorded, and never start a second one', async () => {
        await intents.setDesired('alice', 'api', 'running');
        const running = await phase('running');
        const pid = Number(running.status.runtimeId);
        await shutdown();
        // What a manager killed between launching the IDE and writing runtime.json leaves behind.
        fs.rmSync(provider.paths(running).runtime);
        await boot();
        await new Promise(resolve => setTimeout(resolve, 1_500));
        assert.deepEqual(ides(), [pid], 'the stray IDE was adopted, no second one started');
        assert.equal(Number((await phase('running')).status.runtimeId), pid);
        // And a stray for a workspace that should be stopped is stopped.
        await shutdown();
        fs.rmSync(provider.paths(running).runtime);
        const offline = new SqliteStore(path.join(dataDir, 'warren.db'));
        const stale = (await offline.getWorkspace('alice', 'api'))!;
        assert.equal(await offline.updateIntent('alice', 'api', stale.generation, { desired: 'stopped' }), 'ok');
        offline.close();
        await boot();
        await phase('stopped');
        assert.deepEqual(ides(), []);
        assert.equal(alive(pid), false);
    });

    it('should delete the runtime, the files and the record', async () => {
        await intents.setDesired('alice', 'api', 'running');
        const running = await phase('running');
        const pid = Number(running.status.runtimeId);
        const root = provider.paths(running).root;
        await intents.markDeleting('alice', 'api');
        await eventually('the record gone', async () => (await store.getWorkspace('alice', 'api')) ? undefined : true, 30_000, 100);
        assert.equal(await store.getWorkspace('alice', 'api'), undefined);
        assert.equal(fs.existsSync(root), false);
        assert.equal(alive(pid), false);
    });
});

describe('Reconciler configured to restart crashed IDEs', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-restart-'));
    const store = new SqliteStore(path.join(dataDir, 'warren.db'));
    const provider = new LocalProvider({ dataDir, pollMs: 200 });
    const reconciler = new Reconciler(store, provider, classes, ide, {}, { restartCrashed: { maxRestarts: 1, windowMs: 60_000 }, resyncMs: 500 });
    let last: WorkspaceRecord | undefined;
    const until = async (check: (ws: WorkspaceRecord) => boolean, what: string): Promise<WorkspaceRecord> =>
        eventually(what, async () => {
            last = await store.getWorkspace('bob', 'web');
            return last && check(last) ? last : undefined;
        }, 60_000, 100).catch(err => { throw new Error(`${(err as Error).message}: ${JSON.stringify(last?.status)}`); });

    after(async () => {
        await new Intents(store).markDeleting('bob', 'web');
        await eventually('bob/web deleted', async () => (await store.getWorkspace('bob', 'web')) ? undefined : true, 30_000, 100);
        await reconciler.stop();
        await provider.dispose();
        store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('should restart a crashed IDE once, say so, and mark the next crash in the window failed', async () => {
        await store.createWorkspace(newRecord('bob', 'web'));
        await reconciler.start();
        const first = Number((await until(ws => ws.status.phase === 'running', 'running')).status.runtimeId);
        process.kill(first, 'SIGKILL');
        const restarted = await until(ws => ws.status.phase === 'running' && Number(ws.status.runtimeId) !== first, 'restarted');
        assert.ok(restarted.status.conditions.some(c => /Restarted: after 1 crash\(es\), last: signal SIGKILL/.test(c)), JSON.stringify(restarted.status.conditions));
        process.kill(Number(restarted.status.runtimeId), 'SIGKILL');
        const failed = await until(ws => ws.status.phase === 'failed', 'failed after the second crash');
        assert.match(failed.status.failureReason ?? '', /signal SIGKILL/);
    });
});
