import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { sha256, SqliteAuthStore } from './auth-store';
import { newLoginUrl } from './sign-in';

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

    it('should revoke a login link when a newer one is made, and end every link after an hour', async () => {
        const older = await store.createLoginToken(alice, 60_000);
        const newer = await store.createLoginToken(alice, 60_000);
        assert.equal(await store.consumeLoginToken(older), undefined, 'revoked by the newer one');
        const bobs = await store.createLoginToken({ user: 'bob', tenant: 'team-b' }, 60_000);
        assert.deepEqual(await store.consumeLoginToken(newer), alice, 'another user\'s link does not revoke it');
        assert.equal((await store.consumeLoginToken(bobs))?.user, 'bob');
        mock.timers.enable({ apis: ['Date'], now: Date.now() });
        try {
            const token = (url: string): string => new URL(url).searchParams.get('token')!;
            const early = token(await newLoginUrl(store, 'http://localhost:7080', alice));
            mock.timers.tick(59 * 60_000);
            assert.deepEqual(await store.consumeLoginToken(early), alice, 'within the hour');
            const late = token(await newLoginUrl(store, 'http://localhost:7080', alice));
            mock.timers.tick(61 * 60_000);
            assert.equal(await store.consumeLoginToken(late), undefined, 'after the hour');
        } finally {
            mock.timers.reset();
        }
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

    it('should sign out a user moved to another tenant, and keep the sessions of one who stays', async () => {
        await store.putUser({ ...alice, passwordHash: 'x', createdAt: '' });
        const stays = await store.createSession(alice, 'password', 60_000);
        await store.putUser({ ...alice, passwordHash: 'y', createdAt: '' });
        assert.equal((await store.findSession(stays))?.tenant, 'team-a');
        await store.putUser({ ...alice, tenant: 'team-b', passwordHash: 'y', createdAt: '' });
        assert.equal(await store.findSession(stays), undefined);
        await store.removeUser('alice');
    });

    it('should tell which sessions of open connections are still live', async () => {
        const parent = (await store.findSession(await store.createSession(alice, 'token', 60_000)))!;
        const child = (await store.findSession(await store.createSession(alice, 'token', 60_000, { id: parent.id, workspace: 'hello--team-a' })))!;
        const other = (await store.findSession(await store.createSession(alice, 'token', 60_000)))!;
        const expired = sha256(await store.createSession(alice, 'token', -1));
        assert.deepEqual(await store.liveSessions([parent.id, child.id, other.id, expired, 'unknown']), new Set([parent.id, child.id, other.id]));
        await store.deleteSession(parent.id);
        assert.deepEqual(await store.liveSessions([parent.id, child.id, other.id]), new Set([other.id]));
        assert.deepEqual(await store.liveSessions([]), new Set());
    });

    it('should keep its files to this user: 0600, in a 0700 folder it makes', async () => {
        const nested = path.join(dir, 'made-here', 'gateway.db');
        const other = new SqliteAuthStore(nested);
        try {
            await other.createSession(alice, 'token', 60_000);
            assert.equal(fs.statSync(path.dirname(nested)).mode & 0o777, 0o700);
            for (const file of [nested, `${nested}-wal`]) {
                assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
            }
        } finally {
            other.close();
        }
    });

    it('should not take an expired session', async () => {
        assert.equal(await store.findSession(await store.createSession(alice, 'password', -1)), undefined);
    });
});
