import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Database = require('better-sqlite3');
import { WorkspaceRecord } from '../model';
import { MIGRATIONS } from './migrations';
import { SqliteStore } from './sqlite-store';
import { AlreadyExistsError } from './workspace-store';

const record = (tenant: string, id: string): WorkspaceRecord => ({
    tenant, id, name: id, className: 'small', desired: 'running', deleting: false, forceStop: false, goEnv: { GOPROXY: 'off' }, source: { kind: 'template' }, generation: 1,
    createdAt: '2026-11-22T00:00:00.000Z', status: { phase: 'pending', version: 1, conditions: [], updatedAt: '2026-11-22T00:00:00.000Z' }
});

describe('SqliteStore', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-store-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const file = path.join(tmp, 'data', 'warren.db');
    const store = new SqliteStore(file);
    after(() => store.close());

    it('should create the schema at the newest version', () => {
        assert.equal(store.schemaVersion, MIGRATIONS.length);
    });

    it('should keep workspaces per tenant and refuse a second with the same id', async () => {
        await store.createWorkspace(record('alice', 'api'));
        await store.createWorkspace(record('bob', 'api'));
        await store.createWorkspace(record('alice', 'web'));
        await assert.rejects(store.createWorkspace(record('alice', 'api')), AlreadyExistsError);
        assert.deepEqual((await store.listWorkspaces('alice')).map(w => w.id), ['api', 'web']);
        assert.deepEqual((await store.listWorkspaces()).map(w => `${w.tenant}/${w.id}`), ['alice/api', 'alice/web', 'bob/api']);
        assert.deepEqual((await store.getWorkspace('bob', 'api'))?.goEnv, { GOPROXY: 'off' });
        assert.equal(await store.getWorkspace('bob', 'web'), undefined);
    });

    it('should write intent only over the generation it read, and count the generation up', async () => {
        assert.equal(await store.updateIntent('alice', 'api', 1, { desired: 'stopped', forceStop: true }), 'ok');
        assert.equal(await store.updateIntent('alice', 'api', 1, { desired: 'running' }), 'conflict', 'a writer that read generation 1 lost the race');
        assert.equal(await store.updateIntent('alice', 'nope', 1, { desired: 'running' }), 'not-found');
        const ws = await store.getWorkspace('alice', 'api');
        assert.deepEqual([ws?.desired, ws?.forceStop, ws?.generation], ['stopped', true, 2]);
    });

    it('should write a status only over the version before it, and leave intent alone', async () => {
        const now = new Date().toISOString();
        assert.equal(await store.updateStatus('alice', 'web', { phase: 'starting', version: 2, conditions: [], updatedAt: now }), 'ok');
        assert.equal(await store.updateStatus('alice', 'web', { phase: 'running', version: 2, conditions: [], updatedAt: now }), 'conflict', 'a stale writer changes nothing');
        const ws = await store.getWorkspace('alice', 'web');
        assert.deepEqual([ws?.status.phase, ws?.generation, ws?.desired], ['starting', 1, 'running']);
    });

    it('should tell listeners which workspace each write touched', async () => {
        const seen: string[] = [];
        const unsubscribe = store.onDidChange(key => seen.push(key));
        await store.updateIntent('bob', 'api', 1, { deleting: true });
        await store.removeWorkspace('bob', 'api');
        unsubscribe();
        await store.removeWorkspace('alice', 'web');
        assert.deepEqual(seen, ['bob/api', 'bob/api']);
    });

    it('should store only a hash of each token, and forget a revoked one', async () => {
        const { token, record: tokenRecord } = await store.createToken('alice', 'laptop');
        const admin = await store.createToken(undefined, 'ops');
        assert.equal((await store.findToken(token))?.tenant, 'alice');
        assert.equal((await store.findToken(admin.token))?.tenant, undefined);
        assert.equal(await store.findToken('wt_not-a-token'), undefined);
        const raw = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
        assert.equal(raw.includes(token), false, 'the token is not on disk');
        assert.equal(await store.revokeToken(tokenRecord.id), true);
        assert.equal(await store.findToken(token), undefined);
    });

    it('should keep every committed write when its process is killed with SIGKILL', async () => {
        const other = path.join(tmp, 'killed.db');
        const script = `const { SqliteStore } = require(${JSON.stringify(path.join(__dirname, 'sqlite-store'))});
            const s = new SqliteStore(${JSON.stringify(other)});
            s.createWorkspace(${JSON.stringify(record('carol', 'kept'))})
                .then(() => s.updateIntent('carol', 'kept', 1, { desired: 'stopped' }))
                .then(() => process.kill(process.pid, 'SIGKILL'));`;
        const result = spawnSync(process.execPath, ['-e', script]);
        assert.equal(result.signal, 'SIGKILL');
        const reopened = new SqliteStore(other);
        try {
            assert.equal((await reopened.getWorkspace('carol', 'kept'))?.desired, 'stopped');
        } finally {
            reopened.close();
        }
    });

    it('should bring a version 1 file up to date: a recorded failure becomes part of the status', async () => {
        const old = path.join(tmp, 'v1.db');
        const db = new Database(old);
        db.exec(MIGRATIONS[0]);
        db.pragma('user_version = 1');
        db.prepare(`INSERT INTO workspaces (tenant, id, name, class_name, desired, deleting, failure, go_env, created_at, status)
            VALUES ('dan', 'x', 'x', 'small', 'running', 0, 'port in use', '{}', '2026-11-22T00:00:00.000Z', '{"phase":"failed","version":3,"conditions":[],"updatedAt":"2026-11-22T00:00:00.000Z"}')`).run();
        db.close();
        const migrated = new SqliteStore(old);
        try {
            const ws = await migrated.getWorkspace('dan', 'x');
            assert.deepEqual([ws?.generation, ws?.forceStop, ws?.status.failureReason, ws?.status.failedGeneration, ws?.status.version], [1, false, 'port in use', 1, 3]);
        } finally {
            migrated.close();
        }
    });

    it('should refuse a data file from a newer Warren, and say what to do', () => {
        const newer = path.join(tmp, 'newer.db');
        const db = new Database(newer);
        db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
        db.close();
        assert.throws(() => new SqliteStore(newer), /has schema version \d+, newer than this Warren knows/);
    });
});
