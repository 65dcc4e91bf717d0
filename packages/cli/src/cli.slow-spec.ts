import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@warren/ide-launcher';

const MAIN = path.join(__dirname, 'main.js');
const REPO = path.resolve(__dirname, '..', '..', '..');

/** The warren command as a person uses it: a manager in the background, commands against it. */
describe('the warren CLI', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-cli-'));
    let port: number;
    let serve: ChildProcess | undefined;
    let env: NodeJS.ProcessEnv;

    const startServe = async (): Promise<void> => {
        serve = spawn(process.execPath, [MAIN, 'serve', '--data-dir', dataDir, '--port', String(port), '--metrics-port', '0', '--template', path.join(REPO, 'examples', 'hello')],
            { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        await new Promise<void>((resolve, reject) => {
            serve!.stdout!.on('data', (c: Buffer) => { out += c; if (out.includes('workspace manager ready')) { resolve(); } });
            serve!.once('exit', code => reject(new Error(`warren serve exited (${code}): ${out}`)));
        });
    };
    const warren = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
        const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const phase = async (id: string, want: string): Promise<Record<string, unknown>> => {
        const deadline = Date.now() + 60_000;
        for (;;) {
            const r = warren('workspace', 'get', id, '-o', 'json');
            const ws = r.code === 0 ? JSON.parse(r.stdout) : undefined;
            if (ws?.status?.phase === want) {
                return ws;
            }
            if (Date.now() > deadline) {
                throw new Error(`${id} never reached ${want}: ${r.stdout}${r.stderr}`);
            }
            await new Promise(resolve => setTimeout(resolve, 250));
        }
    };

    before(async () => {
        port = await freePort();
        await startServe();
        const token = warren('token', 'create', '--data-dir', dataDir, '--tenant', 'alice', '-o', 'json');
        assert.equal(token.code, 0, token.stderr);
        env = { ...process.env, WARREN_ADDR: `127.0.0.1:${port}`, WARREN_TOKEN: JSON.parse(token.stdout).token };
    });
    after(async () => {
        warren('workspace', 'delete', 'api', '--yes');
        await new Promise(resolve => setTimeout(resolve, 2000));
        serve?.kill('SIGTERM');
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('should create a workspace and list it as a table and as JSON', async () => {
        const created = warren('workspace', 'create', 'api', '--class', 'small', '--name', 'My API');
        assert.equal(created.code, 0, created.stderr);
        assert.match(created.stdout, /^ID\s+NAME\s+CLASS\s+DESIRED\s+PHASE/);
        await phase('api', 'PHASE_RUNNING');
        const list = warren('workspace', 'list');
        assert.match(list.stdout, /alice\s+api\s+My API\s+small\s+running\s+running\s+http:\/\/127\.0\.0\.1:\d+\//);
        assert.equal(JSON.parse(warren('workspace', 'list', '-o', 'json').stdout)[0].id, 'api');
    });

    it('should print the server\'s message and exit non-zero on bad input', () => {
        const bad = warren('workspace', 'create', '../etc', '--class', 'small');
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /error: id "\.\.\/etc" is not a DNS-1123 label.*\(INVALID_ARGUMENT\)/);
        const unknown = warren('workspace', 'create', 'x', '--class', 'gigantic');
        assert.match(unknown.stderr, /There is no workspace class "gigantic"/);
        const noToken = spawnSync(process.execPath, [MAIN, 'workspace', 'list'], { env: { ...env, WARREN_TOKEN: '' }, encoding: 'utf8' });
        assert.equal(noToken.status, 1);
        assert.match(noToken.stderr, /No token: set WARREN_TOKEN/);
        const down = spawnSync(process.execPath, [MAIN, 'workspace', 'list'], { env: { ...env, WARREN_ADDR: '127.0.0.1:1' }, encoding: 'utf8' });
        assert.match(down.stderr, /does not answer: is "warren serve" running there\?/);
    });

    it('should keep the workspace and its files when the manager is killed with SIGKILL', async () => {
        const ws = await phase('api', 'PHASE_RUNNING');
        const files = path.join(dataDir, 'tenants', 'alice', 'workspaces', 'api', 'files');
        fs.writeFileSync(path.join(files, 'notes.txt'), 'written before the crash');
        assert.equal(warren('workspace', 'stop', 'api').code, 0);
        await phase('api', 'PHASE_STOPPED');
        serve!.kill('SIGKILL');
        await new Promise(resolve => serve!.once('exit', resolve));
        await startServe();
        const list = JSON.parse(warren('workspace', 'list', '-o', 'json').stdout);
        assert.deepEqual(list.map((w: { id: string }) => w.id), ['api']);
        assert.equal(list[0].status.phase, 'PHASE_STOPPED');
        assert.equal(warren('workspace', 'start', 'api').code, 0);
        const again = await phase('api', 'PHASE_RUNNING');
        assert.notEqual(again.status, ws.status);
        assert.equal(fs.readFileSync(path.join(files, 'notes.txt'), 'utf8'), 'written before the crash');
    });

    it('should ask before deleting', () => {
        const r = warren('workspace', 'delete', 'api');
        assert.equal(r.code, 1);
        assert.match(r.stderr, /removes its files for good: run again with --yes/);
    });
});
