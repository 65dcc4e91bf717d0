import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CLASSES } from './classes';
import { Phase } from './lifecycle/phase';
import { WorkspaceRecord } from './model';
import { LocalProvider } from './providers/local-provider';
import { Reconciler } from './reconciler';
import { SqliteStore } from './store/sqlite-store';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** The reconciler with the real local provider: IDE processes really start, stop, die and are adopted. */
describe('Reconciler with the local provider', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-reconciler-'));
    const classes = new Map(DEFAULT_CLASSES.map(c => [c.name, c]));
    let store: SqliteStore;
    let provider: LocalProvider;
    let reconciler: Reconciler;
    const errors: string[] = [];

    const boot = (): void => {
        store = new SqliteStore(path.join(dataDir, 'warren.db'));
        provider = new LocalProvider({ dataDir, templateDir: path.join(REPO, 'examples', 'hello'), pollMs: 200 });
        reconciler = new Reconciler(store, provider, classes, { onError: (_ws, err) => errors.push(err.message) });
        reconciler.start(250);
    };
    const shutdown = async (): Promise<void> => {
        await reconciler.stop();
        await provider.dispose();
        store.close();
    };
    const ws = (): WorkspaceRecord => store.getWorkspace('alice', 'api')!;
    const phase = async (want: Phase, timeoutMs = 60_000): Promise<WorkspaceRecord> => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            const w = store.getWorkspace('alice', 'api');
            if (w?.status.phase === want) {
                return w;
            }
            await new Promise(resolve => setTimeout(resolve, 100));
        }
        throw new Error(`phase never became ${want}: ${JSON.stringify(store.getWorkspace('alice', 'api')?.status)}; errors: ${errors.join('; ')}`);
    };
    const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

    before(() => {
        boot();
        const now = new Date().toISOString();
        store.createWorkspace({
            tenant: 'alice', id: 'api', name: 'API', className: 'small', desired: 'running', deleting: false, goEnv: { GOFLAGS: '-mod=mod' },
            createdAt: now, status: { phase: 'pending', version: 1, conditions: [], updatedAt: now }
        });
        reconciler.trigger();
    });
    after(async () => {
        const pid = Number(store.getWorkspace('alice', 'api')?.status.runtimeId);
        await shutdown();
        if (pid && alive(pid)) {
            process.kill(-pid, 'SIGKILL');
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('should create the folder and start an IDE that answers', async () => {
        const running = await phase('running');
        assert.match(running.status.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
        assert.equal((await fetch(running.status.url!)).status, 200);
        assert.ok(fs.existsSync(path.join(provider.paths(running).files, 'main.go')), 'the template was copied');
        assert.ok(running.status.conditions.some(c => /cpu 2: not limited by the local provider/.test(c)), 'what was not applied is said');
        const environ = fs.readFileSync(`/proc/${running.status.runtimeId}/environ`, 'utf8').split('\0');
        assert.ok(environ.includes(`GOPATH=${path.join(provider.paths(running).home, 'go')}`));
        assert.ok(environ.includes('GOMEMLIMIT=2048MiB'), 'half of the class\'s 4Gi');
        assert.ok(environ.includes('GOFLAGS=-mod=mod'), 'the workspace\'s Go settings');
    });

    it('should stop it and start it again with its files', async () => {
        const pid = Number(ws().status.runtimeId);
        fs.writeFileSync(path.join(provider.paths(ws()).files, 'notes.txt'), 'kept');
        store.setDesired('alice', 'api', 'stopped');
        reconciler.trigger();
        await phase('stopped');
        assert.equal(alive(pid), false);
        store.setDesired('alice', 'api', 'running');
        reconciler.trigger();
        const again = await phase('running');
        assert.notEqual(Number(again.status.runtimeId), pid);
        assert.equal(fs.readFileSync(path.join(provider.paths(again).files, 'notes.txt'), 'utf8'), 'kept');
    });

    it('should report an IDE killed with SIGKILL as failed, with the reason, until started again', async () => {
        const before = ws().status.version;
        process.kill(Number(ws().status.runtimeId), 'SIGKILL');
        const failed = await phase('failed', 10_000);
        assert.match(failed.status.failureReason ?? '', /The IDE stopped by itself \(signal SIGKILL/);
        assert.ok(failed.status.version > before);
        await new Promise(resolve => setTimeout(resolve, 600));
        assert.equal(ws().status.phase, 'failed', 'a failure stays');
        store.setDesired('alice', 'api', 'running');
        reconciler.trigger();
        await phase('running');
    });

    it('should adopt its running IDE after the manager restarts', async () => {
        const pid = Number(ws().status.runtimeId);
        await shutdown();
        assert.equal(alive(pid), true, 'the IDE outlives the manager');
        boot();
        await new Promise(resolve => setTimeout(resolve, 800));
        const adopted = await phase('running');
        assert.equal(Number(adopted.status.runtimeId), pid);
        // An adopted IDE that dies is seen too.
        process.kill(pid, 'SIGKILL');
        const failed = await phase('failed', 10_000);
        assert.match(failed.status.failureReason ?? '', new RegExp(`the IDE process ${pid} ended; its exit status is unknown`));
    });

    it('should delete the runtime, the files and the record', async () => {
        store.setDesired('alice', 'api', 'running');
        reconciler.trigger();
        const running = await phase('running');
        const pid = Number(running.status.runtimeId);
        const root = provider.paths(running).root;
        store.markDeleting('alice', 'api');
        reconciler.trigger();
        const deadline = Date.now() + 30_000;
        while (store.getWorkspace('alice', 'api') && Date.now() < deadline) {
            await new Promise(resolve => setTimeout(resolve, 100));
        }
        assert.equal(store.getWorkspace('alice', 'api'), undefined);
        assert.equal(fs.existsSync(root), false);
        assert.equal(alive(pid), false);
    });
});

describe('Reconciler configured to restart crashed IDEs', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-restart-'));
    const store = new SqliteStore(path.join(dataDir, 'warren.db'));
    const provider = new LocalProvider({ dataDir, pollMs: 200 });
    const reconciler = new Reconciler(store, provider, new Map(DEFAULT_CLASSES.map(c => [c.name, c])), {}, { restartCrashed: { maxRestarts: 1, windowMs: 60_000 } });
    const get = (): WorkspaceRecord => store.getWorkspace('bob', 'web')!;
    const until = async (check: () => boolean, what: string): Promise<void> => {
        const deadline = Date.now() + 60_000;
        while (!check()) {
            if (Date.now() > deadline) {
                throw new Error(`never ${what}: ${JSON.stringify(get()?.status)}`);
            }
            await new Promise(resolve => setTimeout(resolve, 100));
        }
    };

    after(async () => {
        store.markDeleting('bob', 'web');
        reconciler.trigger();
        await until(() => !store.getWorkspace('bob', 'web'), 'deleted');
        await reconciler.stop();
        await provider.dispose();
        store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('should restart a crashed IDE once, say so, and mark the next crash in the window failed', async () => {
        const now = new Date().toISOString();
        store.createWorkspace({
            tenant: 'bob', id: 'web', name: 'web', className: 'small', desired: 'running', deleting: false, goEnv: {},
            createdAt: now, status: { phase: 'pending', version: 1, conditions: [], updatedAt: now }
        });
        reconciler.start(250);
        await until(() => get().status.phase === 'running', 'running');
        const first = Number(get().status.runtimeId);
        process.kill(first, 'SIGKILL');
        await until(() => get().status.phase === 'running' && Number(get().status.runtimeId) !== first, 'restarted');
        assert.ok(get().status.conditions.some(c => /Restarted after 1 crash\(es\), last: signal SIGKILL/.test(c)), JSON.stringify(get().status.conditions));
        process.kill(Number(get().status.runtimeId), 'SIGKILL');
        await until(() => get().status.phase === 'failed', 'failed after the second crash');
        assert.match(get().status.failureReason ?? '', /signal SIGKILL/);
    });
});

