import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket = require('ws');
import { freePort } from '@warren/ide-launcher';
import { BrowserLike, eventually, runningWorkspace, StaticDirectory } from '@warren/testing';
import { SqliteAuthStore } from './auth/auth-store';
import { hashPassword } from './auth/passwords';
import { Gateway, GatewayOptions, startGateway } from './gateway';

const PASSWORD = 'a long password';

/** A real gateway in a temporary data folder, in front of one running workspace whose "IDE" is `ideUrl`. */
async function gatewayFor(ideUrl: string, extra: Partial<GatewayOptions> = {}): Promise<{ gw: Gateway; dataDir: string; port: number }> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-sessions-'));
    const port = await freePort();
    const gw = await startGateway({
        dataDir, publicUrl: new URL(`http://localhost:${port}`), port, directory: new StaticDirectory([runningWorkspace('team-a', 'hello', ideUrl)]),
        owner: { user: 'ann', tenant: 'team-a' }, log: () => undefined, ...extra
    });
    await gw.auth.putUser({ user: 'bob', tenant: 'team-a', passwordHash: await hashPassword(PASSWORD), createdAt: new Date().toISOString() });
    return { gw, dataDir, port };
}

describe('the sign-in limit per address, before any password hash', () => {
    const LIMIT = 20;
    let gw: Gateway;
    let dataDir: string;
    let port: number;
    before(async () => ({ gw, dataDir, port } = await gatewayFor('http://127.0.0.1:1', { signInAttemptsPerAddress: LIMIT })));
    after(async () => {
        await gw?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const hashes = async (): Promise<number> => (await gw.metrics.passwordHashes.get()).values[0]?.value ?? 0;
    const signIn = (from: BrowserLike, username: string): Promise<number> =>
        from.request('POST', `${gw.url}/api/v1/session`, { origin: gw.url, body: { username, password: PASSWORD } }).then(a => a.status);

    it('should refuse a flood of new user names from one address without hashing past the limit', async () => {
        const attacker = new BrowserLike(port);
        const flood = await Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => signIn(attacker, `nobody-${i}`)));
        assert.equal(flood.filter(s => s === 401).length, LIMIT);
        assert.equal(flood.filter(s => s === 429).length, 2 * LIMIT);
        assert.equal(await hashes(), LIMIT);
        assert.equal(await signIn(attacker, 'bob'), 429, 'the right password too, from that address');
        assert.equal(await hashes(), LIMIT, 'the count stays at the limit');
    });

    it('should still sign in a good user from another address', async () => {
        // Linux takes any 127/8 source address on loopback: this is another client to the gateway.
        assert.equal(await signIn(new BrowserLike(port, '127.0.0.2'), 'bob'), 204);
        assert.equal(await hashes(), LIMIT + 1);
    });
});

describe('open IDE connections after sign-out and user removal', () => {
    let echo: http.Server;
    let gw: Gateway;
    let dataDir: string;
    let port: number;
    const workspaceUrl = (): string => `http://hello--team-a.localhost:${port}`;

    before(async () => {
        echo = await echoBackend();
        ({ gw, dataDir, port } = await gatewayFor(`http://127.0.0.1:${(echo.address() as AddressInfo).port}`));
    });
    after(async () => {
        await gw?.stop();
        echo?.closeAllConnections();
        echo?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** Into the workspace as a browser gets there: the gateway's /open/<id>/go, the ticket, the workspace's cookie. */
    const openWorkspace = async (browser: BrowserLike): Promise<{ socket: WebSocket; keepAlive: KeepAlive }> => {
        const page = await browser.navigate(`${gw.url}/open/hello/go`);
        assert.equal(page.status, 200);
        assert.equal(page.url, `${workspaceUrl()}/`);
        const ws = await browser.openWebSocket(`ws://hello--team-a.localhost:${port}/socket`, workspaceUrl());
        assert.ok(ws.socket, `the WebSocket opened: ${ws.status} ${ws.body ?? ws.error}`);
        ws.socket.send('ping');
        await eventually('the echo', () => ws.messages.includes('ping') || undefined);
        const keepAlive = await KeepAlive.open(port, `hello--team-a.localhost:${port}`, browser.cookieHeader(`hello--team-a.localhost:${port}`)!);
        return { socket: ws.socket, keepAlive };
    };
    const closed = (socket: WebSocket): boolean => socket.readyState === WebSocket.CLOSED;

    it('should close the WebSocket and the keep-alive connection of a person who signs out', async () => {
        const browser = new BrowserLike(port);
        assert.equal((await browser.navigate(await gw.loginUrl())).url, `${gw.url}/`);
        const { socket, keepAlive } = await openWorkspace(browser);
        assert.equal(closed(socket) || keepAlive.closed, false);
        assert.equal((await browser.request('DELETE', `${gw.url}/api/v1/session`, { origin: gw.url })).status, 204);
        await eventually('the WebSocket closed', () => closed(socket) || undefined, 10_000);
        await eventually('the keep-alive connection closed', () => keepAlive.closed || undefined, 10_000);
    });

    it('should close them once the user is removed by another connection to gateway.db, as "warren user remove" does', async () => {
        const browser = new BrowserLike(port);
        assert.equal((await browser.request('POST', `${gw.url}/api/v1/session`, { origin: gw.url, body: { username: 'bob', password: PASSWORD } })).status, 204);
        const { socket, keepAlive } = await openWorkspace(browser);
        const cli = new SqliteAuthStore(path.join(dataDir, 'gateway.db'));
        try {
            assert.equal(await cli.removeUser('bob'), true);
        } finally {
            cli.close();
        }
        await eventually('the WebSocket closed', () => closed(socket) || undefined, 10_000);
        await eventually('the keep-alive connection closed', () => keepAlive.closed || undefined, 10_000);
        assert.ok(((await gw.metrics.endedConnections.get()).values[0]?.value ?? 0) >= 4, 'counted: a WebSocket and a keep-alive connection each time');
    });
});

/** One HTTP request on a connection of its own that stays open afterwards, as a browser keeps it. */
class KeepAlive {
    closed = false;

    static async open(port: number, host: string, cookie: string): Promise<KeepAlive> {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const connection = new KeepAlive();
        await new Promise<void>((resolve, reject) => {
            const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: { Host: host, Cookie: cookie } }, res => {
                assert.equal(res.statusCode, 200);
                res.resume();
                res.on('end', resolve);
            });
            req.on('socket', socket => socket.once('close', () => { connection.closed = true; }));
            req.on('error', reject);
        });
        return connection;
    }
}

/** Stands in for the IDE: a page for every request, and a WebSocket that sends every message back. */
async function echoBackend(): Promise<http.Server> {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('echo\n'));
    const wss = new WebSocket.Server({ server });
    wss.on('connection', socket => socket.on('message', (data, binary) => socket.send(data, { binary })));
    server.on('close', () => wss.close());
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return server;
}
