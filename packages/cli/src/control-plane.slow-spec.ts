import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '@warren/gateway';
import { ControlPlane, startControlPlane } from './control-plane';
import { WorkspaceTokens } from '@warren/workspace-manager';
import { BrowserLike, endWorkspaceIdes, eventually } from '@warren/testing';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** The first `count` workspace events of GET /api/v1/events. */
function firstEvents(port: number, who: BrowserLike, count: number): Promise<Array<{ workspace: { id: string } }>> {
    return new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/events', headers: { Host: `localhost:${port}`, Cookie: who.cookieHeader(`localhost:${port}`) } }, res => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', chunk => {
                text += chunk;
                const events = [...text.matchAll(/event: workspace\ndata: (.*)\n\n/g)].map(m => JSON.parse(m[1]));
                if (events.length >= count) {
                    req.destroy();
                    resolve(events);
                }
            });
        });
        req.on('error', reject);
        req.setTimeout(10_000, () => reject(new Error('no events')));
    });
}

/**
 * Two tenants on one real control plane (manager, local provider, real IDE processes, gateway on
 * a real port). Requests are made as a browser makes them: Host names under *.localhost, the
 * cookies each origin set, and the Origin header a page on some origin sends.
 */
describe('gateway with two tenants', () => {
    let plane: ControlPlane;
    let tmp: string;
    let gateway: string;
    let port: number;
    const alice = (): BrowserLike => new BrowserLike(port);
    let a: BrowserLike;
    let b: BrowserLike;
    let aliceWs: string;
    let bobWs: string;

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gateway-'));
        const usersFile = path.join(tmp, 'users.json');
        fs.writeFileSync(usersFile, JSON.stringify({
            users: [
                { name: 'alice', tenant: 'team-a', passwordHash: await hashPassword('alice-password') },
                { name: 'bob', tenant: 'team-b', passwordHash: await hashPassword('bob-password') }
            ]
        }));
        plane = await startControlPlane({
            dataDir: path.join(tmp, 'data'), managerPort: 0, gatewayPort: 0, metricsPort: 0, usersFile, idle: false,
            templateDir: path.join(REPO, 'examples', 'hello'), log: () => undefined
        });
        gateway = plane.gateway.url;
        port = Number(new URL(plane.gateway.listenUrl).port);
        a = alice();
        b = new BrowserLike(port);
        for (const [who, user, password] of [[a, 'alice', 'alice-password'], [b, 'bob', 'bob-password']] as const) {
            const answer = await who.request('POST', `${gateway}/api/v1/session`, { origin: gateway, body: { username: user, password } });
            assert.equal(answer.status, 204, answer.body);
        }
        const created = await a.request('POST', `${gateway}/api/v1/workspaces`, { origin: gateway, body: { name: 'Hello', className: 'small' } });
        assert.equal(created.status, 201, created.body);
        const other = await b.request('POST', `${gateway}/api/v1/workspaces`, { origin: gateway, body: { name: 'Other', className: 'small' } });
        assert.equal(other.status, 201, other.body);
        aliceWs = created.json<{ workspace: { url: string } }>().workspace.url;
        bobWs = other.json<{ workspace: { url: string } }>().workspace.url;
        for (const [who, id] of [[a, 'hello'], [b, 'other']] as const) {
            await eventually(`${id} running`, async () => {
                const ws = (await who.request('GET', `${gateway}/api/v1/workspaces/${id}`)).json<{ workspace: { phase: string } }>().workspace;
                assert.notEqual(ws.phase, 'failed');
                return ws.phase === 'running' ? true : undefined;
            });
        }
    });

    after(async () => {
        await plane?.stop();
        await endWorkspaceIdes(path.join(tmp, 'data'));
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('should show each tenant only its own workspaces, in the API and the event stream', async () => {
        assert.deepEqual((await a.request('GET', `${gateway}/api/v1/workspaces`)).json<{ workspaces: Array<{ id: string }> }>().workspaces.map(w => w.id), ['hello']);
        assert.deepEqual((await b.request('GET', `${gateway}/api/v1/workspaces`)).json<{ workspaces: Array<{ id: string }> }>().workspaces.map(w => w.id), ['other']);
        assert.equal((await b.request('GET', `${gateway}/api/v1/workspaces/hello`)).status, 404);
        assert.equal((await b.request('POST', `${gateway}/api/v1/workspaces/hello/stop`, { origin: gateway })).status, 404);
        assert.equal((await b.request('DELETE', `${gateway}/api/v1/workspaces/hello`, { origin: gateway })).status, 404);
        assert.equal(aliceWs, `http://hello--team-a.localhost:${port}/`);
        assert.deepEqual((await a.request('GET', `${gateway}/api/v1/session`)).json(), { user: 'alice', tenant: 'team-a', methods: ['token', 'password'] });
        // The dashboard's live stream starts with a snapshot of the tenant's own workspaces.
        const events = await firstEvents(port, b, 1);
        assert.deepEqual(events.map(e => e.workspace.id), ['other']);
    });

    it('should let the tenant into its workspace through the ticket hand-over, over HTTP and WebSocket', async () => {
        const page = await a.navigate(`${gateway}/open/hello/go`);
        assert.equal(page.status, 200);
        assert.equal(page.url, aliceWs);
        assert.match(page.body, /<script/, 'the IDE page');
        assert.ok(a.cookieHeader(new URL(aliceWs).host)?.includes('warren_ws='), 'a cookie of the workspace origin');
        assert.equal(a.cookieHeader(new URL(aliceWs).host)?.includes('warren_session='), false, 'the gateway session stays on the gateway origin');
        const { socket, status, messages } = await a.openWebSocket(`${aliceWs}socket.io/?EIO=4&transport=websocket`, aliceWs.slice(0, -1));
        assert.ok(socket, `the IDE's socket opens (status ${status})`);
        const first = await eventually('the IDE\'s first message', async () => messages[0], 10_000);
        assert.match(first, /^0\{"sid"/, 'the IDE (socket.io) answered through the proxy');
        socket!.close();
    });

    it('should answer 404 for another tenant\'s workspace URL and refuse its WebSocket', async () => {
        await b.navigate(`${gateway}/open/other/go`);
        const page = await b.navigate(aliceWs);
        assert.equal(page.status, 404, `bob is sent to the gateway, which does not resolve team-a's workspace for him (${page.url})`);
        assert.equal((await b.request('GET', `${gateway}/open/hello/go`)).status, 404);
        assert.equal((await b.request('GET', `${aliceWs}api/anything`)).status, 401);
        const refused = await b.openWebSocket(`${aliceWs}socket.io/?EIO=4&transport=websocket`, aliceWs.slice(0, -1));
        assert.equal(refused.status, 401);
        // Even bob's valid cookie of his own workspace, sent to alice's host, opens nothing.
        const forged = await b.openWebSocket(`${aliceWs}socket.io/?EIO=4&transport=websocket`, aliceWs.slice(0, -1), new URL(bobWs).host);
        assert.equal(forged.status, 401);
    });

    it('should answer 401 without a session, and send people to sign in', async () => {
        const nobody = new BrowserLike(port);
        assert.equal((await nobody.request('GET', `${gateway}/api/v1/workspaces`)).status, 401);
        assert.equal((await nobody.request('GET', `${gateway}/api/v1/events`)).status, 401);
        const page = await nobody.request('GET', `${gateway}/`, { headers: { Accept: 'text/html' } });
        assert.equal(page.status, 303);
        assert.equal(page.headers.location, '/login?next=%2F');
        assert.equal((await nobody.request('GET', `${aliceWs}`, { headers: { Accept: 'application/json' } })).status, 401);
        assert.equal((await nobody.openWebSocket(`${aliceWs}socket.io/?EIO=4&transport=websocket`, aliceWs.slice(0, -1))).status, 401);
    });

    it('should refuse a WebSocket from a foreign origin, and the cross-site WebSocket hijacking pattern', async () => {
        // The attack: a page elsewhere opens the victim's workspace socket; the browser adds the victim's cookies and its own Origin.
        for (const origin of ['http://evil.example', bobWs.slice(0, -1), `http://localhost.evil.example:${port}`, 'null']) {
            const hijack = await a.openWebSocket(`${aliceWs}socket.io/?EIO=4&transport=websocket`, origin);
            assert.equal(hijack.status, 403, `Origin ${origin}: ${hijack.error}`);
            assert.match(hijack.body ?? '', /Origin/);
        }
    });

    it('should refuse state changes from other origins, and rate-limit sign-in', async () => {
        const csrf = await a.request('POST', `${gateway}/api/v1/workspaces`, { origin: aliceWs.slice(0, -1), body: { name: 'Evil', className: 'small' } });
        assert.equal(csrf.status, 403);
        assert.equal((await a.request('POST', `${gateway}/api/v1/workspaces/hello/stop`)).status, 403, 'no Origin at all');
        const guesser = new BrowserLike(port);
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
            statuses.push((await guesser.request('POST', `${gateway}/api/v1/session`, { origin: gateway, body: { username: 'bob', password: `guess-${i}` } })).status);
        }
        assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
        assert.equal(statuses[11], 429);
        const locked = await guesser.request('POST', `${gateway}/api/v1/session`, { origin: gateway, body: { username: 'bob', password: 'bob-password' } });
        assert.equal(locked.status, 429, 'even the right password waits');
        assert.ok(Number(locked.headers['retry-after']) > 0, 'Retry-After says how long');
        const other = await guesser.request('POST', `${gateway}/api/v1/session`, { origin: gateway, body: { username: 'alice', password: 'alice-password' } });
        assert.equal(other.status, 204, 'another user from the same address is not locked out');
    });

    it('should end the workspace\'s cookie too when the person signs out', async () => {
        const carol = new BrowserLike(port);
        await carol.request('POST', `${gateway}/api/v1/session`, { origin: gateway, body: { username: 'alice', password: 'alice-password' } });
        assert.equal((await carol.navigate(`${gateway}/open/hello/go`)).status, 200);
        assert.equal((await carol.request('GET', `${aliceWs}`, { headers: { Accept: 'application/json' } })).status, 200);
        assert.equal((await carol.request('DELETE', `${gateway}/api/v1/session`, { origin: gateway })).status, 204);
        assert.equal((await carol.request('GET', `${gateway}/api/v1/workspaces`)).status, 401);
        // The workspace origin still holds its cookie, but the session behind it is gone.
        assert.ok(carol.cookieHeader(new URL(aliceWs).host)?.includes('warren_ws='));
        assert.equal((await carol.request('GET', `${aliceWs}`, { headers: { Accept: 'application/json' } })).status, 401);
    });

    it('should take heartbeats only with the workspace\'s token, and report proxy metrics', async () => {
        const token = WorkspaceTokens.fromFile(path.join(tmp, 'data', 'gateway-key')).token('team-a', 'hello');
        const beat = (auth: string): Promise<number> => fetch(`${plane.manager.activityAddress}/_warren/v1/heartbeat`, {
            method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ reasons: ['user input'] })
        }).then(r => r.status);
        assert.equal(await beat(`Bearer ${token}`), 204);
        assert.equal(await beat(`Bearer ${token.slice(0, -2)}xx`), 401);
        assert.equal(await beat('Bearer team-b.hello.abc'), 401);
        const metrics = await (await fetch(`${plane.manager.metricsAddress}/metrics`)).text();
        assert.match(metrics, /warren_gateway_proxied_requests_total\{kind="websocket",code="1xx"\} [1-9]/);
        assert.match(metrics, /warren_gateway_refused_total\{reason="foreign-origin"\} [1-9]/);
        assert.match(metrics, /warren_gateway_proxied_bytes_total\{direction="out"\} [1-9]/);
        assert.match(metrics, /warren_workspaces\{phase="running"\} 2/, 'the manager\'s own metrics are still there');
    });

    it('should delete a workspace for good: never back in the list, whatever answer was on its way', async () => {
        // A failed workspace goes at once, so the manager's "deleted" event comes before the answer to the delete.
        const runtime = path.join(tmp, 'data', 'tenants', 'team-b', 'workspaces', 'other', 'runtime.json');
        process.kill((JSON.parse(fs.readFileSync(runtime, 'utf8')) as { pid: number }).pid, 'SIGKILL');
        await eventually('other failed', async () =>
            (await b.request('GET', `${gateway}/api/v1/workspaces/other`)).json<{ workspace: { phase: string } }>().workspace.phase === 'failed' || undefined, 30_000);
        const deleted = await b.request('DELETE', `${gateway}/api/v1/workspaces/other`, { origin: gateway, body: {} });
        assert.equal(deleted.status, 200, deleted.body);
        await eventually('other gone', async () =>
            (await b.request('GET', `${gateway}/api/v1/workspaces`)).json<{ workspaces: unknown[] }>().workspaces.length === 0 || undefined, 30_000);
        await new Promise(resolve => setTimeout(resolve, 1_000));
        assert.deepEqual((await b.request('GET', `${gateway}/api/v1/workspaces`)).json<{ workspaces: unknown[] }>().workspaces, []);
        assert.equal((await b.navigate(bobWs)).status, 404);
    });
});

