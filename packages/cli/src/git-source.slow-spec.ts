import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, findLeaks, GitServer, SshServer, sshdUnavailable, startWarrenServe, WarrenServe } from '@warren/testing';

const MAIN = path.join(__dirname, 'main.js');
const TOKEN = 'ghp_warrenTestToken0123456789abcdef';
const FILES = { 'go.mod': 'module example.com/svc\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n', 'api/README.md': '# api\n' };

/**
 * Workspaces from a git repository, as a user makes them with the CLI, against a real git server
 * (git http-backend behind basic auth) that sandboxed workspaces reach through --workspace-host-ports:
 * tokens kept per tenant and asked for by git's credential helper, clear failures with nothing left
 * on disk, one clone only, and the token in no file, environment or command line of the workspace.
 */
describe('workspaces from a git repository (embedded)', () => {
    let git: GitServer;
    let serve: WarrenServe;
    let env: NodeJS.ProcessEnv;
    let host: string;
    let sshd: SshServer | undefined;

    const warren = (args: string[], input?: string): { code: number | null; stdout: string; stderr: string } => {
        const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000, input });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const get = (id: string): { status?: { phase?: string; failureReason?: string; progress?: string } } => {
        const r = warren(['workspace', 'get', id, '-o', 'json']);
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout);
    };
    type Got = ReturnType<typeof get>;
    const phase = (id: string, want: string, timeoutMs = 90_000): Promise<Got> =>
        eventually(`${id} to be ${want}`, () => (get(id).status?.phase === `PHASE_${want.toUpperCase()}` ? get(id) : undefined), timeoutMs)
            .catch(err => { throw new Error(`${(err as Error).message}: ${JSON.stringify(get(id))}`); });
    const root = (id: string): string => path.dirname(serve.files('alice', id));

    before(async () => {
        git = await GitServer.start({ users: { alice: TOKEN } });
        git.createRepo('team/svc', FILES, { branches: { feature: { 'feature.txt': 'on feature\n' } }, tags: ['v1.0.0'] });
        host = new URL(git.url).host;
        if (!sshdUnavailable()) {
            sshd = await SshServer.start();
        }
        serve = await startWarrenServe(['--workspace-host-ports', [new URL(git.url).port, ...(sshd ? [sshd.port] : [])].join(',')]);
        const token = spawnSync(process.execPath, [MAIN, 'token', 'create', '--data-dir', serve.dataDir, '--tenant', 'alice', '-o', 'json'], { encoding: 'utf8' });
        assert.equal(token.status, 0, token.stderr);
        env = { ...process.env, WARREN_ADDR: serve.grpcAddress, WARREN_TOKEN: JSON.parse(token.stdout).token };
    });
    after(async () => {
        await serve?.stop();
        await git?.dispose();
        await sshd?.dispose();
    });

    it('should fail without a token, say how to add one, and leave nothing on disk', async () => {
        const r = warren(['workspace', 'create', 'no-token', '--class', 'small', '--repo', git.repoUrl('team/svc')]);
        assert.equal(r.code, 0, r.stderr);
        const ws = await phase('no-token', 'failed');
        assert.match(ws.status!.failureReason!, new RegExp(`Authentication failed for ${host.replace(/\./g, '\\.')}: the tenant has no token for it.*warren credential add ${host}`));
        assert.equal(fs.existsSync(serve.files('alice', 'no-token')), false);
        assert.equal(fs.existsSync(`${serve.files('alice', 'no-token')}.cloning`), false);
    });

    it('should keep a token read from stdin, 0600, and list the host without it', () => {
        const added = warren(['credential', 'add', host, '--username', 'alice'], `${TOKEN}\n`);
        assert.equal(added.code, 0, added.stderr);
        assert.match(added.stdout, new RegExp(`Kept a token for ${host}`));
        const list = warren(['credential', 'list']);
        assert.match(list.stdout, new RegExp(`${host}\\s+alice`));
        assert.doesNotMatch(list.stdout + added.stdout, new RegExp(TOKEN));
        const file = path.join(serve.dataDir, 'secrets', 'git', 'alice.json');
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
        const refused = warren(['credential', 'add', host], '');
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /No token on stdin/);
    });

    it('should clone the default branch with the token, show progress, and keep no credentials in the workspace', async () => {
        const watch = spawn(process.execPath, [MAIN, 'workspace', 'watch', '-o', 'json'], { env });
        let watched = '';
        watch.stdout.on('data', (c: Buffer) => { watched += c; });
        const r = warren(['workspace', 'create', '--class', 'small', '--repo', git.repoUrl('team/svc')]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^svc\b/m, 'the id comes from the repository\'s name');
        await phase('svc', 'running');
        watch.kill();
        assert.match(watched, /"phase":"PHASE_CREATING"/);
        assert.match(watched, /"progress":"(Cloning|[A-Z][a-z]+ [a-z]+: )/, 'the clone\'s progress was in the status');
        const files = serve.files('alice', 'svc');
        assert.equal(fs.readFileSync(path.join(files, 'main.go'), 'utf8'), FILES['main.go']);
        assert.equal(gitIn(files, ['config', 'remote.origin.url']).trim(), git.repoUrl('team/svc'));
        assert.equal(gitIn(files, ['rev-parse', '--abbrev-ref', 'HEAD']).trim(), 'main');
        assert.ok(git.requests.some(q => q.user === 'alice' && q.status === 200 && q.path.endsWith('/git-upload-pack')), 'it fetched as alice');
        // The token is in no file of the workspace, and in no environment or command line on this machine.
        assert.deepEqual(findLeaks(TOKEN, [root('svc')]), { files: [], environments: [], commandLines: [] });
    });

    it('should never clone again on a later start', async () => {
        const files = serve.files('alice', 'svc');
        fs.writeFileSync(path.join(files, 'local-change.txt'), 'mine\n');
        const fetches = git.requests.filter(q => q.path.endsWith('/git-upload-pack')).length;
        assert.equal(warren(['workspace', 'stop', 'svc']).code, 0);
        await phase('svc', 'stopped');
        assert.equal(warren(['workspace', 'start', 'svc']).code, 0);
        await phase('svc', 'running');
        assert.equal(fs.readFileSync(path.join(files, 'local-change.txt'), 'utf8'), 'mine\n');
        assert.equal(git.requests.filter(q => q.path.endsWith('/git-upload-pack')).length, fetches);
    });

    it('should check out a branch, a tag or a commit', async () => {
        const commit = git.git('team/svc', ['rev-parse', 'feature']).trim();
        for (const [id, ref] of [['on-branch', 'feature'], ['on-tag', 'v1.0.0'], ['on-commit', commit]]) {
            assert.equal(warren(['workspace', 'create', id, '--class', 'small', '--repo', git.repoUrl('team/svc'), '--ref', ref]).code, 0);
        }
        for (const id of ['on-branch', 'on-tag', 'on-commit']) {
            await phase(id, 'running');
        }
        assert.ok(fs.existsSync(path.join(serve.files('alice', 'on-branch'), 'feature.txt')));
        assert.equal(fs.existsSync(path.join(serve.files('alice', 'on-tag'), 'feature.txt')), false);
        assert.equal(gitIn(serve.files('alice', 'on-commit'), ['rev-parse', 'HEAD']).trim(), commit);
        for (const id of ['on-branch', 'on-tag', 'on-commit']) {
            assert.equal(warren(['workspace', 'delete', id, '--yes']).code, 0);
        }
    });

    it('should say what is wrong with a missing ref, a missing repository, a missing folder and a refused token, leaving nothing behind', async () => {
        const cases: Array<[string, string[], RegExp]> = [
            ['bad-ref', ['--repo', git.repoUrl('team/svc'), '--ref', 'nope'], /The ref "nope" is not in .*git ls-remote/],
            ['bad-repo', ['--repo', git.repoUrl('team/missing')], /Repository .*team\/missing\.git not found/],
            ['bad-folder', ['--repo', git.repoUrl('team/svc'), '--folder', 'services/none'], /The folder "services\/none" is not in/]
        ];
        for (const [id, args] of cases) {
            const r = warren(['workspace', 'create', id, '--class', 'small', ...args]);
            assert.equal(r.code, 0, r.stderr);
        }
        for (const [id, , reason] of cases) {
            const ws = await phase(id, 'failed');
            assert.match(ws.status!.failureReason!, reason);
            assert.deepEqual(fs.readdirSync(root(id)).filter(name => name.startsWith('files')), [], `${id} left files behind`);
        }
        assert.equal(warren(['credential', 'add', host, '--username', 'alice'], 'wrong-token\n').code, 0);
        assert.equal(warren(['workspace', 'create', 'bad-token', '--class', 'small', '--repo', git.repoUrl('team/svc')]).code, 0);
        const ws = await phase('bad-token', 'failed');
        assert.match(ws.status!.failureReason!, /the token kept for .* was refused/);
        assert.deepEqual(fs.readdirSync(root('bad-token')).filter(name => name.startsWith('files')), []);
        assert.equal(warren(['credential', 'add', host, '--username', 'alice'], `${TOKEN}\n`).code, 0);
    });

    it('should refuse a URL with credentials in it, a file URL and a ref that is an option, before anything is recorded', () => {
        const cases: Array<[string[], RegExp]> = [
            [['--repo', `http://alice:${TOKEN}@${host}/team/svc.git`], /credentials in it.*warren credential add/],
            [['--repo', 'file:///etc'], /scheme "file" is not supported/],
            [['--repo', git.repoUrl('team/svc'), '--ref', '--upload-pack=touch /tmp/x'], /is not a branch, tag or commit name/],
            [['--repo', git.repoUrl('team/svc'), '--folder', '../../etc'], /relative path inside the repository/]
        ];
        for (const [args, message] of cases) {
            const r = warren(['workspace', 'create', 'refused', '--class', 'small', ...args]);
            assert.notEqual(r.code, 0, `${args.join(' ')} was accepted`);
            assert.match(r.stderr, message);
        }
        assert.equal(warren(['workspace', 'get', 'refused']).code === 0, false, 'nothing was recorded');
    });

    it('should show the tenant\'s SSH public key, the same each time', () => {
        const first = warren(['credential', 'ssh-key', '-o', 'json']);
        assert.equal(first.code, 0, first.stderr);
        const key = JSON.parse(first.stdout) as { publicKey: string; fingerprint: string };
        assert.match(key.publicKey, /^ssh-ed25519 [A-Za-z0-9+/=]+ warren-alice$/);
        assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
        const fromKeygen = execFileSync('ssh-keygen', ['-lf', '-'], { input: key.publicKey, encoding: 'utf8' });
        assert.ok(fromKeygen.includes(key.fingerprint), fromKeygen);
        assert.equal(JSON.parse(warren(['credential', 'ssh-key', '-o', 'json']).stdout).publicKey, key.publicKey);
    });

    it('should clone over SSH with the tenant\'s key once the git host has its public key, and keep the key out of the workspace', { skip: sshdUnavailable() }, async () => {
        const url = `ssh://root@127.0.0.1:${sshd!.port}${git.repoDir('team/svc')}`;
        assert.equal(warren(['workspace', 'create', 'ssh-refused', '--class', 'small', '--repo', url]).code, 0);
        const refused = await phase('ssh-refused', 'failed');
        assert.match(refused.status!.failureReason!, /127\.0\.0\.1:\d+ refused the tenant's SSH key .*add the public key shown in the dashboard/);
        const key = JSON.parse(warren(['credential', 'ssh-key', '-o', 'json']).stdout) as { publicKey: string };
        sshd!.authorize(key.publicKey);
        assert.equal(warren(['workspace', 'create', 'over-ssh', '--class', 'small', '--repo', url]).code, 0);
        await phase('over-ssh', 'running');
        assert.equal(fs.readFileSync(path.join(serve.files('alice', 'over-ssh'), 'main.go'), 'utf8'), FILES['main.go']);
        // The private key was in an agent's memory for the clone only: in no file of the workspace, no environment, no command line.
        const secret = JSON.parse(fs.readFileSync(path.join(serve.dataDir, 'secrets', 'git', 'alice.json'), 'utf8')) as { ssh: { privateKey: string } };
        const body = secret.ssh.privateKey.split('\n')[2];
        assert.ok(body && body.length > 40, 'a line of the private key to look for');
        assert.deepEqual(findLeaks(body, [root('over-ssh')]), { files: [], environments: [], commandLines: [] });
        for (const name of ['ssh-refused', 'over-ssh']) {
            assert.equal(warren(['workspace', 'delete', name, '--yes']).code, 0);
        }
    });
});

/** git as root in a tenant's clone: its files are the tenant user's, which git refuses without safe.directory. */
function gitIn(dir: string, args: string[]): string {
    return execFileSync('git', ['-c', 'safe.directory=*', '-C', dir, ...args], { encoding: 'utf8' });
}
