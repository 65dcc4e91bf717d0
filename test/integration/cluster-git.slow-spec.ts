import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '@warren/ide-launcher';
import { startTestCluster, TestCluster, testClusterUnavailable } from '@warren/test-cluster';
import { buildImage, eventually, GitServer, SshServer, sshdUnavailable } from '@warren/testing';
import { WorkspaceClient } from '@warren/workspace-api';
import { Manager, parseClusterSettings, startManager, WorkspaceClass, WorkspaceRecord } from '@warren/workspace-manager';

const TOKEN = 'glpat-cluster-clone-1234';
const CLASSES: WorkspaceClass[] = [{ name: 'small', description: '1 CPU, 2 GiB', cpu: '1', memory: '2Gi', disk: '1Gi', requests: { cpu: '250m', memory: '1Gi' } }];

/**
 * A workspace from a git repository in cluster mode, on the test cluster's real node with the
 * workspace image built here: the pod's init container clones with the tenant's token (asked from
 * the manager with the workspace token, through the tenant's NetworkPolicy with the git server in its
 * egress allowlist), once; the IDE's terminals push through the relay; failures are the workspace's
 * failure reason in embedded mode's words, and their pod is gone rather than retried. Over SSH too, against
 * a real sshd on this machine, where it is installed.
 */
/** git's output in a folder of this machine; asynchronous, since the git server runs in this process. */
async function gitOut(dir: string, args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)('git', ['-C', dir, ...args], { encoding: 'utf8' });
    return stdout.trim();
}

describe('workspaces cloned from a git repository in pods on a real Kubernetes node', { skip: testClusterUnavailable() }, () => {
    let cluster: TestCluster;
    let git: GitServer;
    let sshd: SshServer | undefined;
    let manager: Manager;
    let admin: WorkspaceClient;
    let repo = '';
    let gitHost = '';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-cluster-git-'));
    const logs: Array<Record<string, unknown>> = [];

    before(async () => {
        cluster = await startTestCluster({ name: 'warren-git', networkPolicy: true });
        const image = await buildImage('workspace');
        await cluster.importImage(image);
        // Pods reach this machine at the bridge's address: listen everywhere, and name the repository by that address.
        git = await GitServer.start({ users: { alice: TOKEN }, host: '0.0.0.0' });
        const gitPort = Number(new URL(git.url).port);
        git.url = `http://${cluster.hostAddressForPods}:${gitPort}`;
        gitHost = `${cluster.hostAddressForPods}:${gitPort}`;
        repo = git.createRepo('team/api', { 'go.mod': 'module example.com/api\n\ngo 1.22\n', 'services/api/main.go': 'package main\n\nfunc main() {}\n' }, { tags: ['v1.0.0'] });
        // A git host over SSH too, where sshd is installed: the same bare repositories, as root with the tenant's key.
        sshd = sshdUnavailable() ? undefined : await SshServer.start({ host: '0.0.0.0' });
        const heartbeatPort = await freePort('0.0.0.0');
        const { settings, problems } = parseClusterSettings({
            image, imagePullPolicy: 'Never', storageClassName: cluster.storageClassName, controlPlaneNamespace: 'warren-git-test',
            heartbeatListen: `0.0.0.0:${heartbeatPort}`, heartbeatUrl: `http://${cluster.hostAddressForPods}:${heartbeatPort}`,
            controlPlanePeers: [{ ipBlock: { cidr: `${cluster.hostAddressForPods}/32` } }],
            // How doc/cluster.md tells an admin to let a git host through: its address and port.
            egressAllowlist: [{ to: [{ ipBlock: { cidr: `${cluster.hostAddressForPods}/32` } }], ports: [gitPort, ...sshd ? [sshd.port] : []].map(port => ({ protocol: 'TCP', port })) }],
            nodeSelector: cluster.realNodeSelector, tolerations: [cluster.realNodeToleration]
        });
        assert.deepEqual(problems, []);
        manager = await startManager({
            dataDir, port: await freePort(), classes: CLASSES, idle: false, log: e => logs.push(e),
            kubernetes: { kubeconfig: cluster.kubeconfigPath, settings: settings!, leaseSeconds: 5 }
        });
        admin = new WorkspaceClient(manager.address, manager.adminToken);
        await admin.addGitCredential({ tenant: 't1', host: gitHost, username: 'alice', token: TOKEN });
    });

    after(async () => {
        if (manager) {
            for (const ws of await manager.store.listWorkspaces()) {
                await admin.deleteWorkspace({ tenant: ws.tenant, id: ws.id }).catch(() => undefined);
            }
            await eventually('every workspace deleted', async () => (await manager.store.listWorkspaces()).length === 0 || undefined, 120_000).catch(() => undefined);
            admin.close();
            await manager.stop();
        }
        await git?.dispose();
        await sshd?.dispose();
        await cluster?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const until = (what: string, tenant: string, id: string, test: (ws: WorkspaceRecord) => boolean, ms = 240_000): Promise<WorkspaceRecord> =>
        eventually(what, async () => {
            const ws = await manager.store.getWorkspace(tenant, id);
            return ws && test(ws) ? ws : undefined;
        }, ms);
    const create = (tenant: string, id: string, source: { url: string; ref?: string; folder?: string }): Promise<unknown> =>
        admin.createWorkspace({ tenant, id, name: id, className: 'small', source: { kind: 'git', git: { url: source.url, ref: source.ref ?? '', folder: source.folder ?? '' } } });
    const exec = (id: string, script: string, container = 'ide'): Promise<string> =>
        cluster.kubectl(['-n', 'warren-t1', 'exec', `ws-${id}`, '-c', container, '--', 'bash', '-c', script]);

    it('clones on the first start with the tenant\'s token, opens the folder, and writes no token to the volume', async () => {
        await create('t1', 'api', { url: repo, ref: 'v1.0.0', folder: 'services/api' });
        const ws = await until('t1/api running', 't1', 'api', w => w.status.phase === 'running' || w.status.phase === 'failed');
        assert.equal(ws.status.phase, 'running', ws.status.failureReason);
        assert.equal((await exec('api', 'cat /home/warren/workspace/go.mod')).split('\n')[0], 'module example.com/api');
        assert.equal((await exec('api', 'ls -a /home/warren | grep -c "^workspace" || true')).trim(), '1', 'no workspace.cloning left');
        assert.match(await exec('api', 'tr "\\0" " " </proc/1/cmdline; ps -eo args'), /--workspace \/home\/warren\/workspace\/services\/api/);
        assert.equal((await exec('api', `grep -rl -e '${TOKEN}' /home/warren || true`)).trim(), '', 'the git token is in no file of the volume');
        const pod = JSON.parse(await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod', 'ws-api', '-o', 'json']));
        assert.equal(pod.spec.initContainers[0].name, 'clone');
        assert.ok(!JSON.stringify(pod.spec).includes(TOKEN));
        assert.match(await cluster.kubectl(['-n', 'warren-t1', 'logs', 'ws-api', '-c', 'clone']), /Cloned .*team\/api\.git into \/home\/warren\/workspace\./);
        assert.ok(git.requests.some(r => r.user === 'alice' && r.status === 200), 'the server saw the tenant\'s token');
    });

    it('lets a terminal\'s git push through the IDE\'s relay with the tenant\'s token', async () => {
        const pushed = git.requests.length;
        await exec('api', [
            'set -e', 'cd /home/warren/workspace', 'export WARREN_CREDENTIAL_SOCKET=$(ls /tmp/warren-credentials-*/git.sock)',
            'git -c user.name=T -c user.email=t@example.com commit -q --allow-empty -m "from a pod"', 'git push -q origin HEAD:refs/heads/from-pod'
        ].join('; '));
        assert.ok(git.requests.slice(pushed).some(r => r.method === 'POST' && /git-receive-pack$/.test(r.path) && r.user === 'alice' && r.status === 200));
        assert.equal((await exec('api', `grep -rl -e '${TOKEN}' /home/warren || true`)).trim(), '');
    });

    it('does not clone again on a later start: the init container finds the files', async () => {
        await exec('api', 'echo kept > /home/warren/workspace/mine.txt');
        await admin.stopWorkspace({ tenant: 't1', id: 'api' });
        await until('t1/api stopped', 't1', 'api', w => w.status.phase === 'stopped');
        await admin.startWorkspace({ tenant: 't1', id: 'api' });
        await until('t1/api running again', 't1', 'api', w => w.status.phase === 'running');
        assert.equal((await exec('api', 'cat /home/warren/workspace/mine.txt')).trim(), 'kept');
        assert.match(await cluster.kubectl(['-n', 'warren-t1', 'logs', 'ws-api', '-c', 'clone']), /\/home\/warren\/workspace exists: nothing to clone\./);
    });

    it('clones over SSH with the tenant\'s key, given to the init container\'s own agent, pushes from a terminal the same way, and writes no key to the volume', { skip: sshdUnavailable() }, async () => {
        const url = `ssh://root@${cluster.hostAddressForPods}:${sshd!.port}${git.repoDir('team/api')}`;
        sshd!.authorize((await admin.getSshPublicKey('t1')).publicKey);
        await create('t1', 'over-ssh', { url });
        const ws = await until('t1/over-ssh running', 't1', 'over-ssh', w => w.status.phase === 'running' || w.status.phase === 'failed');
        assert.equal(ws.status.phase, 'running', ws.status.failureReason);
        assert.equal((await exec('over-ssh', 'cat /home/warren/workspace/go.mod')).split('\n')[0], 'module example.com/api');
        assert.equal((await exec('over-ssh', 'git -C /home/warren/workspace remote get-url origin')).trim(), url);
        assert.equal((await exec('over-ssh', 'grep -rl -e "PRIVATE KEY" /home/warren || true')).trim(), '', 'the private key is in no file of the volume');
        const pod = JSON.parse(await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod', 'ws-over-ssh', '-o', 'json']));
        assert.ok(!JSON.stringify(pod.spec).includes('PRIVATE KEY'));
        // A terminal's push over SSH: Warren's ssh asks the IDE's relay for the key.
        await exec('over-ssh', [
            'set -e', 'cd /home/warren/workspace', 'export WARREN_CREDENTIAL_SOCKET=$(ls /tmp/warren-credentials-*/git.sock)',
            'git -c user.name=T -c user.email=t@example.com commit -q --allow-empty -m "over ssh from a pod"', 'git push -q origin HEAD:refs/heads/from-pod-ssh'
        ].join('; '));
        assert.equal(await gitOut(git.repoDir('team/api'), ['log', '-1', '--format=%s', 'from-pod-ssh']), 'over ssh from a pod');
        assert.equal((await exec('over-ssh', 'grep -rl -e "PRIVATE KEY" /home/warren /tmp 2>/dev/null || true')).trim(), '', 'nor after a push');
    });

    it('fails a workspace whose ref is not there with embedded mode\'s words, and leaves no pod retrying', async () => {
        await create('t1', 'badref', { url: repo, ref: 'no-such-branch' });
        const ws = await until('t1/badref failed', 't1', 'badref', w => w.status.phase === 'failed');
        assert.equal(ws.status.failureReason,
            `The ref "no-such-branch" is not in ${repo}: use a branch, tag or commit that exists ("git ls-remote ${repo}" lists the branches and tags).`);
        await eventually('the pod deleted', async () => (await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod', 'ws-badref', '--ignore-not-found', '-o', 'name'])).trim() === '' || undefined, 60_000);
    });

    it('says a tenant without a token has none, and what to do', async () => {
        await create('t2', 'private', { url: repo });
        const ws = await until('t2/private failed', 't2', 'private', w => w.status.phase === 'failed');
        assert.equal(ws.status.failureReason, `Authentication failed for ${gitHost}: the tenant has no token for it. `
            + `Add one in the dashboard (Git credentials) or with "warren credential add ${gitHost}", then start the workspace again.`);
    });
});
