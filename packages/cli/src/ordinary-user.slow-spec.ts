import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DUMMY_HASH } from '@warren/gateway';
import { eventually, REPO, startWarrenServe, WarrenServe } from '@warren/testing';
import { WorkspaceClient } from '@warren/workspace-api';

const NOBODY = { uid: 65534, gid: 65534 };

/**
 * `warren serve` run by an ordinary user (nobody), as one person runs it on a laptop: IDEs run as
 * that user with no sandbox, so only the owner's tenant may have workspaces and users. Root runs
 * the test because only root can start a process as another user.
 */
describe('warren serve as an ordinary user', { skip: process.getuid?.() !== 0 ? 'needs root to run warren serve as another user' : false }, () => {
    let warren: WarrenServe;
    let client: WorkspaceClient;
    const repoMode = fs.statSync(REPO).mode & 0o7777;

    before(async () => {
        // A person's own checkout is theirs to read; this one is root's, perhaps made 0700 (mktemp -d): open it to
        // others for the test, and close it again after.
        fs.chmodSync(REPO, repoMode | 0o005);
        warren = await startWarrenServe(['--no-idle-stop'], { user: NOBODY });
        client = new WorkspaceClient(warren.grpcAddress, fs.readFileSync(path.join(warren.dataDir, 'admin-token'), 'utf8').trim());
    });

    after(async () => {
        client?.close();
        await warren?.stop();
        fs.chmodSync(REPO, repoMode);
    });

    it('should run the owner\'s workspace as that user, with no sandbox', async () => {
        await client.createWorkspace({ id: 'mine', className: 'small', tenant: 'default' });
        const ws = await eventually('the owner\'s workspace running', async () => {
            const w = await client.getWorkspace({ tenant: 'default', id: 'mine' });
            return w.status?.phase === 'PHASE_RUNNING' ? w : undefined;
        }, 120_000);
        const pid = Number(ws.status!.runtimeId);
        assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+65534\s/m);
        assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^[^\0]*node\0/, 'node itself, not bwrap');
        assert.equal(fs.statSync(warren.dataDir).mode & 0o777, 0o700);
        assert.equal(fs.statSync(path.join(warren.dataDir, 'warren.db')).mode & 0o777, 0o600);
    });

    it('should refuse a volume\'s root (owned by root, as an emptyDir is) as its data folder, saying to use a folder inside it', async () => {
        const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-volume-'));
        fs.chmodSync(parent, 0o755);
        const volume = path.join(parent, 'volume');
        fs.mkdirSync(volume);
        fs.chownSync(volume, 0, NOBODY.gid);
        fs.chmodSync(volume, 0o2777);
        try {
            await assert.rejects(startWarrenServe(['--no-idle-stop'], { user: NOBODY, dataDir: volume }),
                new RegExp(`cannot make the data folder ${volume} private \\(EPERM\\): it belongs to another user, as a volume's root does on Kubernetes\\. `
                    + `Use a folder inside it, such as ${volume}/data, which Warren makes itself\\.`));
            assert.deepEqual(fs.readdirSync(volume), [], 'nothing written');
            const inside = await startWarrenServe(['--no-idle-stop'], { user: NOBODY, dataDir: path.join(volume, 'data') });
            await inside.stop();
            assert.equal(fs.statSync(path.join(volume, 'data')).mode & 0o777, 0o700);
            assert.equal(fs.statSync(path.join(volume, 'data', 'warren.db')).mode & 0o777, 0o600);
        } finally {
            fs.rmSync(parent, { recursive: true, force: true });
        }
    });

    it('should fail another tenant\'s workspace with the reason and what to do', async () => {
        await client.createWorkspace({ id: 'theirs', className: 'small', tenant: 't2' });
        const reason = await eventually('t2\'s workspace failed', async () => {
            const w = await client.getWorkspace({ tenant: 't2', id: 'theirs' });
            return w.status?.phase === 'PHASE_FAILED' ? w.status.failureReason : undefined;
        }, 60_000);
        assert.match(reason, /tenant t2 cannot run workspaces here: Warren runs as the ordinary user .* Run Warren as root/);
    });

    it('should refuse to start with a users file that names another tenant, saying why and what to do', async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-users-'));
        fs.chownSync(tmp, NOBODY.uid, NOBODY.gid);
        const usersFile = path.join(tmp, 'users.json');
        fs.writeFileSync(usersFile, JSON.stringify({ users: [{ name: 'bob', tenant: 'team-b', passwordHash: DUMMY_HASH }] }), { mode: 0o644 });
        try {
            const { code, output } = await runAsNobody(['serve', '--data-dir', path.join(tmp, 'data'), '--port', '0', '--grpc-port', '0', '--users-file', usersFile], tmp);
            assert.notEqual(code, 0);
            assert.match(output, /Only tenant "default" may have users here/);
            assert.match(output, /root|cluster/);
            assert.doesNotMatch(output, /\n\s+at /, 'a message, not a stack trace');
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});

function runAsNobody(args: string[], home: string): Promise<{ code: number | null; output: string }> {
    return new Promise(resolve => {
        const child = spawn(process.execPath, [path.join(REPO, 'packages', 'cli', 'lib', 'main.js'), ...args], {
            ...NOBODY, env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe']
        });
        let output = '';
        child.stdout.on('data', (c: Buffer) => { output += c; });
        child.stderr.on('data', (c: Buffer) => { output += c; });
        child.once('exit', code => resolve({ code, output }));
    });
}
