import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@warren/ide-launcher';
import { StaticDirectory } from '@warren/testing';
import { Gateway, startGateway } from './gateway';

/** The gateway serving TLS itself, with a certificate made for the test (openssl) for the base domain and its wildcard. */
describe('gateway over TLS', () => {
    let tmp: string;
    let gw: Gateway;
    let ca: Buffer;

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-tls-'));
        const cert = path.join(tmp, 'cert.pem');
        const key = path.join(tmp, 'key.pem');
        const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
            '-subj', '/CN=warren.localhost', '-addext', 'subjectAltName=DNS:warren.localhost,DNS:*.warren.localhost'], { encoding: 'utf8' });
        assert.equal(made.status, 0, made.stderr);
        ca = fs.readFileSync(cert);
        const port = await freePort();
        gw = await startGateway({
            dataDir: tmp, publicUrl: new URL(`https://warren.localhost:${port}`), port, directory: new StaticDirectory(),
            owner: { user: 'ann', tenant: 'team-a' }, tls: { certFile: cert, keyFile: key }, log: () => undefined
        });
    });
    after(async () => {
        await gw?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('should sign in over HTTPS with Secure, __Host- cookies', async () => {
        const url = new URL(await gw.loginUrl());
        const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
            https.get({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, servername: 'warren.localhost', ca, headers: { Host: url.host } }, resolve).on('error', reject);
        });
        answer.resume();
        assert.equal(answer.statusCode, 303);
        assert.match(String(answer.headers['set-cookie']), /^__Host-warren_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    });

    it('should offer only the login link while there are no password users', async () => {
        const url = new URL(gw.url);
        const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
            https.get({ host: '127.0.0.1', port: url.port, path: '/api/v1/session', servername: 'warren.localhost', ca, headers: { Host: url.host } }, res => {
                let body = '';
                res.on('data', c => { body += c; });
                res.on('end', () => resolve({ status: res.statusCode, body }));
            }).on('error', reject);
        });
        assert.equal(answer.status, 401);
        assert.deepEqual(JSON.parse(answer.body).methods, ['token']);
    });
});
