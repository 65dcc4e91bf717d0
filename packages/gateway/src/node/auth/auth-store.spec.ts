import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AuthStore, sha256 } from './auth-store';

describe('AuthStore (a real SQLite file)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-auth-'));
    const store = new AuthStore(path.join(dir, 'gateway.db'));
    const alice = { user: 'alice', tenant: 'team-a' };
    after(() => {
        store.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('should let a login token sign in once, and not after it expired', () => {
        const token = store.createLoginToken(alice, 60_000);
        assert.deepEqual(store.consumeLoginToken(token), alice);
        assert.equal(store.consumeLoginToken(token), undefined);
        assert.equal(store.consumeLoginToken(store.createLoginToken(alice, -1)), undefined);
        assert.equal(store.consumeLoginToken('made-up'), undefined);
    });

    it('should keep only hashes of secrets', () => {
        const secret = store.createSession(alice, 'password', 60_000);
        const bytes = fs.readFileSync(path.join(dir, 'gateway.db-wal')).toString('latin1') + fs.readFileSync(path.join(dir, 'gateway.db')).toString('latin1');
        assert.equal(bytes.includes(secret), false);
        assert.equal(bytes.includes(sha256(secret)), true);
    });

    it('should carry a session to one workspace with a ticket that works once, for that workspace only', () => {
        const secret = store.createSession(alice, 'token', 60_000);
        const session = store.findSession(secret)!;
        const ticket = store.createTicket(session.id, 'hello--team-a');
        assert.equal(store.consumeTicket(ticket, 'other--team-a'), undefined, 'another workspace');
        const again = store.createTicket(session.id, 'hello--team-a');
        assert.equal(store.consumeTicket(again, 'hello--team-a')?.id, session.id);
        assert.equal(store.consumeTicket(again, 'hello--team-a'), undefined, 'used');
    });

    it('should end workspace sessions with the session they came from', () => {
        const secret = store.createSession(alice, 'token', 60_000);
        const parent = store.findSession(secret)!;
        const ws = store.createSession(alice, 'token', 60_000, { id: parent.id, workspace: 'hello--team-a' });
        assert.equal(store.findSession(ws)?.workspace, 'hello--team-a');
        store.deleteSession(parent.id);
        assert.equal(store.findSession(secret), undefined);
        assert.equal(store.findSession(ws), undefined);
    });

    it('should sign a removed user out everywhere', () => {
        store.putUser({ ...alice, passwordHash: 'x', createdAt: '' });
        const secret = store.createSession(alice, 'password', 60_000);
        assert.equal(store.removeUser('alice'), true);
        assert.equal(store.findSession(secret), undefined);
        assert.equal(store.removeUser('alice'), false);
    });

    it('should not take an expired session', () => {
        assert.equal(store.findSession(store.createSession(alice, 'password', -1)), undefined);
    });
});
