import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDE_ENV, IDE_IDENTITY_PATH, IDE_NONCE_HEADER, IDE_SECRET_HEADER } from '@warren/workspace-api/lib/ide-contract';
import { ideProvesIdentity } from './ide-identity';

const SECRET = 'the-workspace-secret';

/** A real Node server loaded with the guard, as an IDE backend is: it echoes what reached it (headers, its environment). */
const SERVER = `
const http = require('http');
const server = http.createServer((req, res) => res.end(JSON.stringify({ headers: req.headers, secretInEnv: ${JSON.stringify(IDE_ENV.secret)} in process.env })));
server.on('upgrade', (req, socket) => socket.end('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n\\r\\n'));
server.listen(0, '127.0.0.1', () => console.log('port', server.address().port));
// A server on a Unix socket, as the git credential relay's: only the workspace's own processes reach it.
const relay = http.createServer((req, res) => res.end('relayed'));
relay.listen(process.env.RELAY_SOCKET, () => console.log('relay'));
`;

describe('the IDE guard', () => {
    let child: ChildProcess;
    let url: string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-guard-'));
    const socket = path.join(dir, 'relay.sock');

    before(async () => {
        child = spawn(process.execPath, ['--require', path.join(__dirname, 'ide-guard.js'), '-e', SERVER], {
            env: { PATH: process.env.PATH, [IDE_ENV.secret]: SECRET, RELAY_SOCKET: socket }, stdio: ['ignore', 'pipe', 'inherit']
        });
        url = await new Promise<string>(resolve => child.stdout!.on('data', (c: Buffer) => {
            const port = /port (\d+)/.exec(c.toString());
            if (port) {
                resolve(`http://127.0.0.1:${port[1]}/`);
            }
        }));
    });

    after(() => {
        child.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('should leave a server on a Unix socket alone (the git credential relay)', async () => {
        await eventuallyExists(socket);
        const text = await new Promise<string>((resolve, reject) => {
            http.request({ socketPath: socket, path: '/', method: 'POST' }, res => {
                let body = '';
                res.on('data', (c: Buffer) => { body += c.toString(); });
                res.on('end', () => resolve(`${res.statusCode} ${body}`));
            }).on('error', reject).end();
        });
        assert.equal(text, '200 relayed');
    });

    it('should answer 401 with a JSON reason, and no cookie, to a request without the secret or with a wrong one', async () => {
        for (const headers of [{}, { [IDE_SECRET_HEADER]: 'wrong' }, { [IDE_SECRET_HEADER]: `${SECRET}x` }] as Record<string, string>[]) {
            const res = await fetch(url, { headers });
            assert.equal(res.status, 401);
            assert.equal(res.headers.get('set-cookie'), null);
            assert.match(((await res.json()) as { error: string }).error, /only Warren's control plane/);
        }
    });

    it('should pass a request with the secret on, without the secret\'s header, and keep the secret out of the environment', async () => {
        const res = await fetch(url, { headers: { [IDE_SECRET_HEADER]: SECRET, 'x-other': 'kept' } });
        assert.equal(res.status, 200);
        const body = (await res.json()) as { headers: Record<string, string>; secretInEnv: boolean };
        assert.equal(body.headers[IDE_SECRET_HEADER], undefined);
        assert.equal(body.headers['x-other'], 'kept');
        assert.equal(body.secretInEnv, false);
    });

    it('should refuse a WebSocket upgrade without the secret and pass one with it', async () => {
        assert.equal(await upgrade(url, {}), 401);
        assert.equal(await upgrade(url, { [IDE_SECRET_HEADER]: SECRET }), 101);
    });

    it('should prove its identity to a nonce without showing the secret, and fail the proof for another secret', async () => {
        const paths = { identity: IDE_IDENTITY_PATH, nonceHeader: IDE_NONCE_HEADER };
        assert.equal(await ideProvesIdentity(url, SECRET, paths), true);
        assert.equal(await ideProvesIdentity(url, 'another-workspace', paths), false);
        const res = await fetch(new URL(IDE_IDENTITY_PATH, url), { headers: { [IDE_NONCE_HEADER]: 'n' } });
        assert.doesNotMatch(await res.text(), new RegExp(SECRET));
        assert.equal((await fetch(new URL(IDE_IDENTITY_PATH, url))).status, 400, 'no nonce, no proof');
    });

    it('should find nothing at a closed port', async () => {
        assert.equal(await ideProvesIdentity('http://127.0.0.1:1/', SECRET, { identity: IDE_IDENTITY_PATH, nonceHeader: IDE_NONCE_HEADER }), false);
    });
});

function upgrade(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', ...headers } });
        req.on('upgrade', (_res, socket) => { socket.destroy(); resolve(101); });
        req.on('response', res => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end();
    });
}

async function eventuallyExists(file: string): Promise<void> {
    for (let i = 0; i < 100 && !fs.existsSync(file); i++) {
        await new Promise(resolve => setTimeout(resolve, 50));
    }
}
