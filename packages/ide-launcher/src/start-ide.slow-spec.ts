import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { freePort } from './port';
import { IdeHandle, startIde } from './start-ide';

/** The real IDE backend, started the way the start command starts it. */
describe('startIde', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-start-ide-'));
    const workspace = path.join(tmp, 'ws');
    const env = { ...process.env, HOME: path.join(tmp, 'home') };
    let ide: IdeHandle | undefined;

    before(() => {
        fs.mkdirSync(env.HOME, { recursive: true });
        fs.cpSync(path.join(__dirname, '..', '..', '..', 'examples', 'hello'), workspace, { recursive: true });
    });
    after(async () => {
        await ide?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('should refuse a workspace folder that does not exist, before starting anything', async () => {
        await assert.rejects(startIde({ workspace: path.join(tmp, 'nope'), configDir: path.join(tmp, 'cfg'), port: await freePort(), env }),
            /The workspace folder .*nope does not exist/);
        assert.equal(fs.existsSync(path.join(tmp, 'cfg')), false, 'nothing written');
    });

    it('should say which port is in use', async () => {
        const server = net.createServer();
        const port = await new Promise<number>(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
        try {
            await assert.rejects(startIde({ workspace, configDir: path.join(tmp, 'cfg'), port, env }), new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
        } finally {
            server.close();
        }
    });

    it('should serve the IDE with a compressed, revalidated frontend', async () => {
        ide = await startIde({ workspace, configDir: path.join(tmp, 'cfg'), port: await freePort(), env });
        assert.match(ide.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);

        const page = await fetch(ide.url);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<script/);

        const bundle = new URL('bundle.js', ide.url);
        const br = await rawGet(bundle, { 'Accept-Encoding': 'br' });
        assert.equal(br.status, 200);
        assert.equal(br.headers['content-encoding'], 'br');
        assert.equal(br.headers['cache-control'], 'no-cache');
        const plain = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'browser-app', 'lib', 'frontend', 'bundle.js'));
        assert.ok(zlib.brotliDecompressSync(br.body).equals(plain), 'the brotli file decodes to the bundle');
        assert.ok(br.body.length < plain.length / 3, `brotli ${br.body.length} bytes vs ${plain.length} raw`);

        const gz = await rawGet(bundle, { 'Accept-Encoding': 'gzip' });
        assert.equal(gz.headers['content-encoding'], 'gzip');
        assert.ok(zlib.gunzipSync(gz.body).equals(plain), 'the gzip file decodes to the bundle');

        const again = await rawGet(bundle, { 'Accept-Encoding': 'br', 'If-None-Match': String(br.headers.etag) });
        assert.equal(again.status, 304, 'a warm browser cache revalidates without the body');
        assert.equal(again.body.length, 0);
    });

    it('should stop the whole process tree', async () => {
        const pid = ide!.process.pid!;
        await ide!.stop();
        assert.throws(() => process.kill(pid, 0), /ESRCH/);
        assert.throws(() => process.kill(-pid, 0), /ESRCH/, 'no process of its group is left');
        ide = undefined;
    });
    it('should write to a log file and outlive its starter when asked to', async () => {
        const logFile = path.join(tmp, 'logs', 'ide.log');
        const logged = await startIde({ workspace, configDir: path.join(tmp, 'cfg2'), port: await freePort(), env, logFile });
        try {
            assert.match(fs.readFileSync(logFile, 'utf8'), /listening on http:\/\/127\.0\.0\.1:\d+/);
            assert.equal(logged.process.stdout, null, 'no pipe ties it to this process');
            assert.equal((await fetch(logged.url)).status, 200);
        } finally {
            await logged.stop();
        }
        assert.throws(() => process.kill(-logged.process.pid!, 0), /ESRCH/);
        // A second start appends to the same log: it is ready when this run listens, not when an old line says so.
        const again = await startIde({ workspace, configDir: path.join(tmp, 'cfg2'), port: await freePort(), env, logFile });
        try {
            assert.equal((await fetch(again.url)).status, 200, 'listening when startIde resolves');
            assert.equal(fs.readFileSync(logFile, 'utf8').match(/listening on/g)?.length, 2);
        } finally {
            await again.stop();
        }
    });

});

interface RawResponse {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

/** GET without content decoding (fetch would decode brotli and gzip itself and hide what was sent). */
function rawGet(url: URL, headers: Record<string, string>): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        http.get(url, { headers }, res => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
    });
}
