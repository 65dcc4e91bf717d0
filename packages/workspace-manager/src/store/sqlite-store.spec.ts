import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Database = require('better-sqlite3');
import { WorkspaceRecord } from '../model';
import { MIGRATIONS } from './migrations';
import { AlreadyExistsError, SqliteStore } from './sqlite-store';

const record = (tenant: string, id: string): WorkspaceRecord => ({
    tenant, id, name: id, className: 'small', desired: 'running', deleting: false, goEnv: { GOPROXY: 'off' },
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

    it('should keep workspaces per tenant and refuse a second with the same id', () => {
        store.createWorkspace(record('alice', 'api'));
        store.createWorkspace(record('bob', 'api'));
        store.createWorkspace(record('alice', 'web'));
        assert.throws(() => store.createWorkspace(record('alice', 'api')), AlreadyExistsError);
        assert.deepEqual(store.listWorkspaces('alice').map(w => w.id), ['api', 'web']);
        assert.deepEqual(store.listWorkspaces().map(w => `${w.tenant}/${w.id}`), ['alice/api', 'alice/web', 'bob/api']);
        assert.deepEqual(store.getWorkspace('bob', 'api')?.goEnv, { GOPROXY: 'off' });
        assert.equal(store.getWorkspace('bob', 'web'), undefined);
    });

    it('should clear a recorded failure when the workspace is started again, not when stopped', () => {
        store.recordFailure('alice', 'api', 'The IDE stopped by itself (signal SIGKILL).');
        assert.equal(store.setDesired('alice', 'api', 'stopped')?.failure, 'The IDE stopped by itself (signal SIGKILL).');
        const started = store.setDesired('alice', 'api', 'running');
        assert.equal(started?.failure, undefined);
        assert.equal(started?.desired, 'running');
    });

    it('should write a status only over the version before it', () => {
        const now = new Date().toISOString();
        assert.equal(store.updateStatus('alice', 'web', { phase: 'starting', version: 2, conditions: [], updatedAt: now }), true);
        assert.equal(store.updateStatus('alice', 'web', { phase: 'running', version: 2, conditions: [], updatedAt: now }), false, 'a stale writer changes nothing');
        assert.equal(store.getWorkspace('alice', 'web')?.status.phase, 'starting');
    });

    it('should store only a hash of each token, and forget a revoked one', () => {
        const { token, record: tokenRecord } = store.createToken('alice', 'laptop');
        const admin = store.createToken(undefined, 'ops');
        assert.equal(store.findToken(token)?.tenant, 'alice');
        assert.equal(store.findToken(admin.token)?.tenant, undefined);
        assert.equal(store.findToken('wt_not-a-token'), undefined);
        const raw = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
        assert.equal(raw.includes(token), false, 'the token is not on disk');
        assert.equal(store.revokeToken(tokenRecord.id), true);
        assert.equal(store.findToken(token), undefined);
    });

    it('should keep every committed write when its process is killed with SIGKILL', () => {
        const other = path.join(tmp, 'killed.db');
        const script = `const { SqliteStore } = require(${JSON.stringify(path.join(__dirname, 'sqlite-store'))});
            const s = new SqliteStore(${JSON.stringify(other)});
            s.createWorkspace(${JSON.stringify(record('carol', 'kept'))});
            s.setDesired('carol', 'kept', 'stopped');
            process.kill(process.pid, 'SIGKILL');`;
        const result = spawnSync(process.execPath, ['-e', script]);
        assert.equal(result.signal, 'SIGKILL');
        const reopened = new SqliteStore(other);
        try {
            assert.equal(reopened.getWorkspace('carol', 'kept')?.desired, 'stopped');
        } finally {
            reopened.close();
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
