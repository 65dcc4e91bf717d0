import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { credentialHelperConfig } from '@warren/git-credential-helper';
import { GIT_CREDENTIAL_PATH } from '@warren/workspace-api';
import { GitServer } from '@warren/testing';

const SCRIPT = path.join(__dirname, 'clone-cli.js');
const TOKEN = 'git-token-123';
const WORKSPACE_TOKEN = 'workspace-token-456';

/**
 * The init container's script as the pod runs it (the environment of kubernetes/workspace-objects.ts's
 * cloneContainer), against a real git server: the credential helper asks a stand-in for the manager's
 * endpoint with the workspace token; the clone lands whole or not at all; a later start does nothing;
 * a failure's message is in the termination log, in embedded mode's words.
 */
describe('clone-cli (the pod\'s init container)', () => {
    let server: GitServer;
    let manager: http.Server;
    let activityUrl = '';
    const asked: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-clone-cli-'));
    let url = '';

    before(async () => {
        server = await GitServer.start({ users: { alice: TOKEN } });
        url = server.createRepo('team/api', { 'go.mod': 'module example.com/api\n', 'services/api/main.go': 'package main\n' }, { tags: ['v1.0.0'] });
        manager = http.createServer((req, res) => {
            asked.push(`${req.method} ${req.url} ${req.headers.authorization}`);
            const known = req.url === GIT_CREDENTIAL_PATH && req.headers.authorization === `Bearer ${WORKSPACE_TOKEN}`;
            res.writeHead(known ? 200 : 401, { 'content-type': 'application/json' })
                .end(JSON.stringify(known ? { username: 'alice', password: TOKEN } : { error: 'not this workspace' }));
        });
        await new Promise<void>(resolve => manager.listen(0, '127.0.0.1', resolve));
        activityUrl = `http://127.0.0.1:${(manager.address() as { port: number }).port}`;
    });
    after(async () => {
        await server?.dispose();
        manager?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const run = (name: string, args: string[], token = WORKSPACE_TOKEN): Promise<{ code: number; stderr: string; message: string; target: string }> => {
        const target = path.join(dir, name, 'workspace');
        const log = path.join(dir, `${name}.termination-log`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const env = {
            PATH: process.env.PATH, HOME: path.dirname(target), LANG: 'C.UTF-8',
            GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GCM_INTERACTIVE: 'never',
            GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: '', GIT_CONFIG_KEY_1: 'credential.helper', GIT_CONFIG_VALUE_1: credentialHelperConfig(),
            WARREN_ACTIVITY_URL: activityUrl, WARREN_WORKSPACE_TOKEN: token
        };
        return new Promise(resolve => {
            execFile(process.execPath, [SCRIPT, `--target=${target}`, `--termination-log=${log}`, ...args], { env }, (err, _stdout, stderr) => {
                resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stderr, message: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '', target });
            });
        });
    };
    const leftovers = (target: string): string[] => fs.readdirSync(path.dirname(target)).filter(n => n.startsWith('workspace'));

    it('should clone with the tenant\'s token from the manager, and leave the token in no file', async () => {
        const r = await run('ok', [`--url=${url}`, '--ref=v1.0.0']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(fs.readFileSync(path.join(r.target, 'go.mod'), 'utf8'), 'module example.com/api\n');
        assert.deepEqual(leftovers(r.target), ['workspace']);
        assert.ok(asked.every(a => a === `POST ${GIT_CREDENTIAL_PATH} Bearer ${WORKSPACE_TOKEN}`) && asked.length > 0);
        const files = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap(e => e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]);
        for (const file of files(path.dirname(r.target))) {
            const text = fs.readFileSync(file, 'latin1');
            assert.ok(!text.includes(TOKEN) && !text.includes(WORKSPACE_TOKEN), `${file} has a token in it`);
        }
    });

    it('should do nothing when the files exist (every later start)', async () => {
        const target = path.join(dir, 'again', 'workspace');
        fs.mkdirSync(target, { recursive: true });
        fs.writeFileSync(path.join(target, 'mine.txt'), 'edited');
        const r = await run('again', [`--url=${url}`]);
        assert.equal(r.code, 0);
        assert.match(r.stderr, /exists: nothing to clone/);
        assert.deepEqual(fs.readdirSync(target), ['mine.txt']);
    });

    it('should remove what an earlier try left, and check the folder to open', async () => {
        const remnant = path.join(dir, 'remnant', 'workspace.cloning');
        fs.mkdirSync(remnant, { recursive: true });
        fs.writeFileSync(path.join(remnant, 'half'), 'x');
        const r = await run('remnant', [`--url=${url}`, '--folder=services/api']);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(fs.existsSync(path.join(r.target, 'services', 'api', 'main.go')));
        assert.deepEqual(leftovers(r.target), ['workspace']);
    });

    it('should fail with embedded mode\'s words in the termination log, and leave nothing', async () => {
        const refused = await run('refused', [`--url=${url}`], 'not-the-token');
        assert.equal(refused.code, 1);
        assert.match(refused.message, /^Authentication failed for 127\.0\.0\.1:\d+: the tenant has no token for it\. Add one in the dashboard/);
        assert.deepEqual(leftovers(refused.target), []);
        const replace = await run('replace', [`--url=${url}`, '--has-credential'], 'not-the-token');
        assert.match(replace.message, /the token kept for 127\.0\.0\.1:\d+ was refused\. Replace it/);
        const ref = await run('ref', [`--url=${url}`, '--ref=no-such-branch']);
        assert.equal(ref.message, `The ref "no-such-branch" is not in ${url}: use a branch, tag or commit that exists ("git ls-remote ${url}" lists the branches and tags).`);
        assert.deepEqual(leftovers(ref.target), []);
        const folder = await run('folder', [`--url=${url}`, '--folder=nowhere']);
        assert.match(folder.message, /^The folder "nowhere" is not in /);
        assert.deepEqual(leftovers(folder.target), []);
        const missing = await run('missing', [`--url=${server.repoUrl('team/none')}`]);
        assert.match(missing.message, /^Repository .*team\/none\.git not found/);
    });
});
