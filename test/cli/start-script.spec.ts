import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO } from '@warren/testing';

/** The README's start command refuses bad input in its first step, before installing or building anything. */
describe('scripts/start.sh', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-start-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const start = (args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; stderr: string } => {
        const r = spawnSync('bash', [path.join(REPO, 'scripts', 'start.sh'), ...args], { env: { ...env, WARREN_DATA_DIR: path.join(tmp, 'data') }, encoding: 'utf8', timeout: 60_000 });
        return { code: r.status, stderr: r.stderr };
    };

    it('should name a template folder that does not exist', () => {
        const r = start(['--template', path.join(tmp, 'missing')]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /the template folder .*missing does not exist/);
    });

    it('should say what to do with a folder given as before', () => {
        const r = start([tmp]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /opens no folder now.*pass --template/);
    });

    it('should refuse a port that is not a port', () => {
        const r = start(['--port', '70000']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /--port 70000 is not a TCP port/);
    });

    it('should say when the port is in use', async () => {
        const server = net.createServer();
        const port = await new Promise<number>(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
        try {
            const r = start(['--port', String(port)]);
            assert.equal(r.code, 1);
            assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
        } finally {
            server.close();
        }
    });

    it('should say how to install Go when it is missing', () => {
        const bin = path.join(tmp, 'bin');
        fs.mkdirSync(bin, { recursive: true });
        fs.symlinkSync(process.execPath, path.join(bin, 'node'));
        const r = start([], { PATH: `${bin}:/usr/bin:/bin`, HOME: tmp });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /Go was not found on PATH.*https:\/\/go\.dev\/dl\//);
    });

    it('should not have created the data folder for any of these', () => {
        assert.equal(fs.existsSync(path.join(tmp, 'data')), false);
    });
});
