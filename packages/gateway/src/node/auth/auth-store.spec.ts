import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { sha256, SqliteAuthStore } from './auth-store';

describe('SqliteAuthStore (a real SQLite file)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-auth-'));
    const store = new SqliteAuthStore(path.join(dir, 'gateway.db'));
    const alice = { user: 'alice', tenant: 'team-a' };
    after(() => {
        store.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('should let a login token sign in once, and not after it expired', async () => {
        const token = await store.createLoginToken(alice, 60_000);
        assert.deepEqual(await store.consumeLoginToken(token), alice);
        assert.equal(await store.consumeLoginToken(token), undefined);
        assert.equal(await store.consumeLoginToken(await store.createLoginToken(alice, -1)), undefined);
        assert.equal(await store.consumeLoginToken('made-up'), undefined);
    });

    it('should keep only hashes of secrets', async () => {
        const secret = await store.createSession(alice, 'password', 60_000);
        const bytes = fs.readFileSync(path.join(dir, 'gateway.db-wal')).toString('latin1') + fs.readFileSync(path.join(dir, 'gateway.db')).toString('latin1');
        assert.equal(bytes.includes(secret), false);
        assert.equal(bytes.includes(sha256(secret)), true);
    });

    it('should carry a session to one workspace with a ticket that works once, for that workspace only', async () => {
        const secret = await store.createSession(alice, 'token', 60_000);
        const session = (await store.findSession(secret))!;
        const ticket = await store.createTicket(session.id, 'hello--team-a');
        assert.equal(await store.consumeTicket(ticket, 'other--team-a'), undefined, 'another workspace');
        const again = await store.createTicket(session.id, 'hello--team-a');
        assert.equal((await store.consumeTicket(again, 'hello--team-a'))?.id, session.id);
        assert.equal(await store.consumeTicket(again, 'hello--team-a'), undefined, 'used');
    });

    it('should end workspace sessions with the session they came from', async () => {
        const secret = await store.createSession(alice, 'token', 60_000);
        const parent = (await store.findSession(secret))!;
        const ws = await store.createSession(alice, 'token', 60_000, { id: parent.id, workspace: 'hello--team-a' });
        assert.equal((await store.findSession(ws))?.workspace, 'hello--team-a');
        await store.deleteSession(parent.id);
        assert.equal(await store.findSession(secret), undefined);
        assert.equal(await store.findSession(ws), undefined);
    });

    it('should sign a removed user out everywhere', async () => {
        await store.putUser({ ...alice, passwordHash: 'x', createdAt: '' });
        const secret = await store.createSession(alice, 'password', 60_000);
        assert.equal(await store.removeUser('alice'), true);
        assert.equal(await store.findSession(secret), undefined);
        assert.equal(await store.removeUser('alice'), false);
    });

    it('should not take an expired session', async () => {
        assert.equal(await store.findSession(await store.createSession(alice, 'password', -1)), undefined);
    });
});
