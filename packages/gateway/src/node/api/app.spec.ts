import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runningWorkspace, StaticDirectory } from '@warren/testing';
import { SqliteAuthStore } from '../auth/auth-store';
import { CookieNames } from '../auth/cookies';
import { hashPassword } from '../auth/passwords';
import { SessionGuard } from '../auth/session-guard';
import { LoginTokenSignIn, PasswordSignIn } from '../auth/sign-in';
import { Users } from '../auth/users';
import { WorkspaceHosts } from '../hosts';
import { GatewayMetrics } from '../metrics';
import { gatewayApp } from './app';

const ORIGIN = 'http://localhost:7080';

interface Reply { status: number; type: string; body: string; json: Record<string, unknown> }

/** The gateway's origin (the express app alone, no proxy) with a real auth store, limits of 5 an address and 2 a user name. */
describe('the gateway origin: bodies, paths and sign-in limits', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-app-'));
    const auth = new SqliteAuthStore(path.join(dir, 'gateway.db'));
    const guard = new SessionGuard(auth, () => undefined, () => undefined);
    const metrics = new GatewayMetrics();
    const logged: Array<Record<string, unknown>> = [];
    const directory = new StaticDirectory([runningWorkspace('team-a', 'hello', 'http://127.0.0.1:1')]);
    let server: http.Server;
    let cookie: string;

    before(async () => {
        directory.classes = async () => { throw new Error('the manager broke at /opt/warren/lib/x.js'); };
        await auth.putUser({ user: 'alice', tenant: 'team-a', passwordHash: await hashPassword('a long password'), createdAt: '' });
        cookie = `warren_session=${await auth.createSession({ user: 'alice', tenant: 'team-a' }, 'password', 60_000)}`;
        const app = gatewayApp({
            hosts: new WorkspaceHosts(new URL(ORIGIN)), auth, guard, cookies: new CookieNames(false), directory, metrics,
            methods: [new LoginTokenSignIn(auth), new PasswordSignIn(new Users(auth))], sessionTtlMs: 60_000,
            signInAttemptsPerAddress: 5, signInAttemptsPerUser: 2, trustProxy: ['127.0.0.3'], log: entry => logged.push(entry)
        });
        server = http.createServer(app);
        await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    });
    after(() => {
        server?.close();
        guard.close();
        auth.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A raw request: any headers, a body as given (a string array is sent chunked, without a length). */
    const send = (method: string, url: string, headers: Record<string, string>, body?: string | string[], localAddress?: string): Promise<Reply> =>
        new Promise((resolve, reject) => {
            const port = (server.address() as AddressInfo).port;
            const req = http.request({ host: '127.0.0.1', port, method, path: url, localAddress, headers: { Host: 'localhost:7080', ...headers } }, res => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', c => { text += c; });
                res.on('end', () => {
                    let json: Record<string, unknown> = {};
                    try {
                        json = JSON.parse(text);
                    } catch {
                        // Not JSON: the assertions say so.
                    }
                    resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text, json });
                });
            });
            req.on('error', reject);
            if (Array.isArray(body)) {
                body.forEach(chunk => req.write(chunk));
                req.end();
            } else {
                req.end(body);
            }
        });
    const post = (url: string, contentType: string | undefined, body: string | string[]): Promise<Reply> =>
        send('POST', url, { Origin: ORIGIN, Cookie: cookie, ...(contentType ? { 'Content-Type': contentType } : {}) }, body);
    const assertJsonError = (reply: Reply, status: number, message: RegExp): void => {
        assert.equal(reply.status, status, reply.body);
        assert.match(reply.type, /^application\/json/);
        assert.match(String(reply.json.error), message);
        assert.doesNotMatch(reply.body, /<html|<pre|\bat \S+ \(|\.js:\d+|node_modules|\/opt\//i, 'no HTML page, stack or path');
    };

    it('should answer every bad body on /api with the JSON error, never an HTML page', async () => {
        assertJsonError(await post('/api/v1/workspaces', 'application/json', '{"name": '), 400, /not valid JSON/);
        assertJsonError(await post('/api/v1/workspaces', 'application/json', ['{"name": ', '"x"']), 400, /not valid JSON/);
        assertJsonError(await post('/api/v1/workspaces', 'application/json', JSON.stringify({ name: 'x'.repeat(17 * 1024) })), 413, /larger than 16 KiB/);
        assertJsonError(await post('/api/v1/workspaces', 'application/json; charset=iso-8859-1', '{}'), 415, /charset iso-8859-1 is not supported: send JSON in UTF-8/);
        assertJsonError(await post('/api/v1/workspaces', 'text/plain', '{"name": "x"}'), 415, /Content-Type: application\/json \(not text\/plain\)/);
        assertJsonError(await post('/api/v1/workspaces', 'text/plain', ['{"name": ', '"x"}']), 415, /not text\/plain/);
        assertJsonError(await post('/api/v1/workspaces', undefined, '{"name": "x"}'), 415, /without a Content-Type/);
        assertJsonError(await post('/api/v1/session', 'application/x-www-form-urlencoded', 'username=a&password=b'), 415, /application\/json/);
        assertJsonError(await send('DELETE', '/api/v1/session', { Origin: ORIGIN, 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }, ['x']), 415, /not text\/plain/);
        assertJsonError(await post('/api/v1/workspaces', undefined, ''), 400, /Give the workspace a name/);
    });

    it('should answer an error a route throws as JSON, and log it', async () => {
        assertJsonError(await send('GET', '/api/v1/classes', { Cookie: cookie }), 500, /^The gateway failed on this request: see its log\.$/);
        assert.match(String(logged.at(-1)?.error), /the manager broke/);
    });

    it('should apply the /api rules whatever the case of the path, and resolve workspace labels lower-case', async () => {
        assertJsonError(await send('POST', '/API/v1/workspaces', { 'Content-Type': 'application/json' }, '{}'), 403, /not from http:\/\/localhost:7080/);
        assertJsonError(await send('POST', '/Api/V1/workspaces', { Origin: ORIGIN, 'Content-Type': 'application/json' }, '{}'), 401, /Not signed in/);
        assertJsonError(await send('POST', '/api/v1/workspaces', { Origin: 'HTTP://LOCALHOST:7080', Cookie: cookie, 'Content-Type': 'text/plain' }, 'x'), 415, /not text\/plain/);
        const redirect = await send('GET', '/w/HELLO--Team-A', { Cookie: cookie });
        assert.equal(redirect.status, 303);
        assert.equal((await send('GET', '/w/hello--team-b', { Cookie: cookie })).status, 404);
    });

    const hashes = async (): Promise<number> => (await metrics.passwordHashes.get()).values[0]?.value ?? 0;
    const signIn = (username: string, from?: string, forwardedFor?: string): Promise<Reply> => send('POST', '/api/v1/session',
        { Origin: ORIGIN, 'Content-Type': 'application/json', ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) },
        JSON.stringify({ username, password: 'wrong password' }), from);

    it('should refuse an address past its limit before any hash, whatever names it tries and X-Forwarded-For it sends', async () => {
        const before = await hashes();
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
            statuses.push((await signIn(`nobody-${i}`, '127.0.0.1', `203.0.113.${i}`)).status);
        }
        assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(7).fill(429)]);
        assert.equal(await hashes() - before, 5, 'one hash for each attempt within the limit, none after');
        const refused = await signIn('alice', '127.0.0.1');
        assertJsonError(refused, 429, /Too many sign-in attempts/);
    });

    it('should refuse one user name sooner, also before the hash', async () => {
        const before = await hashes();
        const statuses = [];
        for (let i = 0; i < 3; i++) {
            statuses.push((await signIn('alice', '127.0.0.2')).status);
        }
        assert.deepEqual(statuses, [401, 401, 429]);
        assert.equal(await hashes() - before, 2);
        assert.equal((await signIn('bob', '127.0.0.2')).status, 401, 'another name from that address still gets its tries');
    });

    it('should count the clients behind a trusted proxy by their X-Forwarded-For', async () => {
        const statuses = [];
        for (let i = 0; i < 7; i++) {
            statuses.push((await signIn(`someone-${i}`, '127.0.0.3', `198.51.100.${i}`)).status);
        }
        assert.deepEqual(statuses, Array(7).fill(401), 'seven clients, one attempt each');
    });
});
