import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@warren/ide-launcher';
import { Answer, BrowserLike, eventually } from '@warren/testing';

const MAIN = path.join(__dirname, 'main.js');
const REPO = path.resolve(__dirname, '..', '..', '..');

/** The warren command as a person uses it: a manager in the background, commands against it. */
describe('the warren CLI', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-cli-'));
    let port: number;
    let gatewayPort: number;
    let serve: ChildProcess | undefined;
    let env: NodeJS.ProcessEnv;

    const startServe = async (): Promise<string> => {
        serve = spawn(process.execPath, [MAIN, 'serve', '--data-dir', dataDir, '--grpc-port', String(port), '--port', String(gatewayPort), '--metrics-port', '0',
            '--template', path.join(REPO, 'examples', 'hello')], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        return new Promise<string>((resolve, reject) => {
            serve!.stdout!.on('data', (c: Buffer) => { out += c; });
            serve!.stderr!.on('data', (c: Buffer) => {
                out += c;
                const link = /(http:\/\/localhost:\d+\/login\?token=\S+)/.exec(out);
                if (link) {
                    resolve(link[1]);
                }
            });
            serve!.once('exit', code => reject(new Error(`warren serve exited (${code}): ${out}`)));
        });
    };
    const warren = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
        const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const phase = async (id: string, want: string): Promise<Record<string, unknown>> => {
        let last = '';
        return eventually(`${id} to reach ${want}`, () => {
            const r = warren('workspace', 'get', id, '-o', 'json');
            last = `${r.stdout}${r.stderr}`;
            const ws = r.code === 0 ? JSON.parse(r.stdout) as Record<string, { phase?: string }> : undefined;
            return ws?.status?.phase === want ? ws : undefined;
        }, 60_000).catch(err => { throw new Error(`${(err as Error).message}: ${last}`); });
    };

    let loginUrl: string;
    before(async () => {
        port = await freePort();
        gatewayPort = await freePort();
        loginUrl = await startServe();
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

    it('should refuse a tenant name with "--" in the CLI and over gRPC alike', () => {
        const token = warren('token', 'create', '--data-dir', dataDir, '--tenant', 'a--b');
        assert.equal(token.code, 1);
        assert.match(token.stderr, /--tenant "a--b" is not a tenant name/);
        const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
        const create = spawnSync(process.execPath, [MAIN, 'workspace', 'create', 'x', '--class', 'small', '--tenant', 'a--b'],
            { env: { ...env, WARREN_TOKEN: admin }, encoding: 'utf8' });
        assert.equal(create.status, 1);
        assert.match(create.stderr, /tenant "a--b" is not a tenant name.*\(INVALID_ARGUMENT\)/);
    });

    it('should keep the workspace and its files when the manager is killed with SIGKILL', async () => {
        const ws = await phase('api', 'PHASE_RUNNING');
        const files = path.join(dataDir, 'tenants', 'alice', 'workspaces', 'api', 'files');
        fs.writeFileSync(path.join(files, 'notes.txt'), 'written before the crash');
        assert.equal(warren('workspace', 'stop', 'api').code, 0);
        await phase('api', 'PHASE_STOPPED');
        serve!.kill('SIGKILL');
        await new Promise(resolve => serve!.once('exit', resolve));
        // Its new login link revokes the first one.
        loginUrl = await startServe();
        const list = JSON.parse(warren('workspace', 'list', '-o', 'json').stdout);
        assert.deepEqual(list.map((w: { id: string }) => w.id), ['api']);
        assert.equal(list[0].status.phase, 'PHASE_STOPPED');
        assert.equal(warren('workspace', 'start', 'api').code, 0);
        const again = await phase('api', 'PHASE_RUNNING');
        assert.notEqual(again.status, ws.status);
        assert.equal(fs.readFileSync(path.join(files, 'notes.txt'), 'utf8'), 'written before the crash');
    });

    it('should print a login link that works once, and make more with login-url', async () => {
        const use = (url: string): Promise<Answer> => new BrowserLike(gatewayPort).request('GET', url);
        assert.equal(new URL(loginUrl).port, String(gatewayPort));
        const first = await use(loginUrl);
        assert.equal(first.status, 303);
        assert.equal(first.headers.location, '/');
        assert.match(String(first.headers['set-cookie']), /^warren_session=.*HttpOnly; SameSite=Lax/);
        const again = await use(loginUrl);
        assert.match(again.headers.location ?? '', /^\/login\?error=/);
        const fresh = warren('login-url', '--data-dir', dataDir);
        assert.equal(fresh.code, 0, fresh.stderr);
        const newer = warren('login-url', '--data-dir', dataDir);
        assert.match((await use(fresh.stdout.trim())).headers.location ?? '', /^\/login\?error=/, 'revoked by the newer link');
        assert.equal((await use(newer.stdout.trim())).headers.location, '/');
    });

    it('should add users with a password from stdin, and refuse bad input', () => {
        const add = spawnSync(process.execPath, [MAIN, 'user', '--data-dir', dataDir, 'add', 'carol', '--tenant', 'team-c'], { input: 'a long password\n', encoding: 'utf8' });
        assert.equal(add.status, 0, add.stderr);
        assert.match(warren('user', '--data-dir', dataDir, 'list').stdout, /carol\s+team-c/);
        const short = spawnSync(process.execPath, [MAIN, 'user', '--data-dir', dataDir, 'add', 'dave', '--tenant', 'team-d'], { input: 'short\n', encoding: 'utf8' });
        assert.match(short.stderr, /A password has 8 to 1024 characters/);
        const badName = spawnSync(process.execPath, [MAIN, 'user', '--data-dir', dataDir, 'add', 'Dave Smith', '--tenant', 'team-d'], { input: 'a long password\n', encoding: 'utf8' });
        assert.match(badName.stderr, /is not a user name/);
        const hash = spawnSync(process.execPath, [MAIN, 'user', 'hash-password'], { input: 'a long password\n', encoding: 'utf8' });
        assert.match(hash.stdout, /^\$scrypt\$ln=15,r=8,p=1\$/);
    });

    it('should refuse a bad serve configuration before starting anything', () => {
        const other = path.join(dataDir, 'not-used');
        const badUrl = warren('serve', '--data-dir', other, '--public-url', 'https://warren.example.com/ide');
        assert.match(badUrl.stderr, /--public-url .* must be http\(s\):\/\/HOST\[:PORT\] with a DNS name \(no path\)/);
        const usersFile = path.join(dataDir, 'users.json');
        fs.writeFileSync(usersFile, JSON.stringify({ users: [{ name: 'eve', tenant: 'Team E', passwordHash: 'plain' }] }));
        const badUsers = warren('serve', '--data-dir', other, '--users-file', usersFile);
        assert.match(badUsers.stderr, /users\[0\] \(eve\): tenant: "Team E" is not a tenant name/);
        assert.match(badUsers.stderr, /passwordHash must be a scrypt hash/);
        const badProxy = warren('serve', '--data-dir', other, '--trust-proxy', '10.0.0.5,everyone');
        assert.match(badProxy.stderr, /Trusted proxies: "everyone" is not an address\. Give the addresses or CIDR ranges/);
        assert.equal(fs.existsSync(other), false);
    });

    it('should ask before deleting', () => {
        const r = warren('workspace', 'delete', 'api');
        assert.equal(r.code, 1);
        assert.match(r.stderr, /removes its files for good: run again with --yes/);
    });
});
