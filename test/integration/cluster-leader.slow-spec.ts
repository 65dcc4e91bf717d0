import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, TestCluster, testClusterUnavailable } from '@warren/test-cluster';
import { eventually, startWarrenServe, WarrenServe } from '@warren/testing';
import { HEARTBEAT_PATH, WorkspaceClient } from '@warren/workspace-api';
import { WorkspaceTokens } from '@warren/workspace-manager';

const NAMESPACE = 'warren-leader-test';
const ROUNDS = 3;

/**
 * Two replicas of `warren serve --provider kubernetes` share one cluster: both serve the API, one
 * reconciles (it holds the Lease). The leader is killed with SIGKILL in the middle of creates and
 * deletes, again and again; the other takes the lease, and in the end every workspace converges:
 * one pod for each that exists, none for each that was deleted, nothing lost or doubled. (kwok
 * nodes: the pods only pretend to run.)
 */
describe('the reconciler\'s lease when a replica is killed mid-operation', { skip: testClusterUnavailable() }, () => {
    let cluster: TestCluster;
    const replicas = new Map<string, WarrenServe>();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-leader-'));
    let token = '';

    const start = async (name: string): Promise<WarrenServe> => {
        const serve = await startWarrenServe(['--provider', 'kubernetes', '--kubeconfig', cluster.kubeconfigPath, '--cluster-config', path.join(tmp, 'cluster.json'),
            '--classes', path.join(tmp, 'classes.json'), '--no-idle-stop', '--replica-id', name, '--lease-seconds', '3']);
        replicas.set(name, serve);
        return serve;
    };
    const holder = async (): Promise<string> =>
        (await cluster.kubectl(['-n', NAMESPACE, 'get', 'lease', 'warren-manager', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
    const client = (name: string): WorkspaceClient => new WorkspaceClient(replicas.get(name)!.grpcAddress, token, { deadlineMs: 60_000 });

    before(async () => {
        cluster = await startTestCluster({ name: 'warren-leader', realNode: false });
        await cluster.addCpuNodes(2);
        fs.writeFileSync(path.join(tmp, 'cluster.json'), JSON.stringify({
            image: 'localhost/warren-workspace:kwok', storageClassName: cluster.storageClassName, controlPlaneNamespace: NAMESPACE,
            heartbeatListen: '127.0.0.1:0', controlPlanePeers: [{ ipBlock: { cidr: '127.0.0.1/32' } }], defaultQuota: { running: 100, volumes: 100 }
        }));
        fs.writeFileSync(path.join(tmp, 'classes.json'), JSON.stringify([{ name: 'small', description: '', cpu: '100m', memory: '128Mi', disk: '1Gi' }]));
        const a = await start('replica-a');
        token = fs.readFileSync(path.join(a.dataDir, 'admin-token'), 'utf8').trim();
        await start('replica-b');
    });

    after(async () => {
        for (const serve of replicas.values()) {
            await serve.stop().catch(() => undefined);
        }
        await cluster?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('holds one leader at a time, and after each SIGKILL another replica finishes the work: nothing lost, nothing doubled', async () => {
        const alive = new Set<string>();
        const gone = new Set<string>();
        let next = 0;
        for (let round = 0; round < ROUNDS; round++) {
            const leader = await eventually('a leader', async () => {
                const h = await holder().catch(() => '');
                return replicas.has(h) ? h : undefined;
            }, 60_000);
            const follower = [...replicas.keys()].find(n => n !== leader)!;
            const api = client(follower);
            // Creates and deletes in flight through the follower's API while the leader dies.
            const work: Array<Promise<unknown>> = [];
            for (let i = 0; i < 4; i++) {
                const id = `w${next++}`;
                alive.add(id);
                work.push(api.createWorkspace({ tenant: 'load', id, name: id, className: 'small' }));
            }
            for (const id of [...alive].slice(0, 2).filter(id => Number(id.slice(1)) < next - 4)) {
                alive.delete(id);
                gone.add(id);
                work.push(api.deleteWorkspace({ tenant: 'load', id }));
            }
            await new Promise(resolve => setTimeout(resolve, 300));
            await replicas.get(leader)!.kill();
            replicas.delete(leader);
            await Promise.all(work);
            api.close();
            await eventually('the other replica takes the lease', async () => (await holder()) === follower || undefined, 30_000);
            await start(leader);
        }
        const api = client([...replicas.keys()][0]);
        await eventually('every workspace converged', async () => {
            const workspaces = await api.listWorkspaces('load');
            const pods = (await cluster.kubectl(['-n', 'warren-load', 'get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']))
                .split('\n').filter(Boolean).sort();
            const ids = workspaces.map(w => w.id).sort();
            const placed = workspaces.every(w => w.status?.node);
            return JSON.stringify(ids) === JSON.stringify([...alive].sort()) && JSON.stringify(pods) === JSON.stringify(ids.map(id => `ws-${id}`)) && placed
                || undefined;
        }, 120_000);
        const workspaces = await api.listWorkspaces('load');
        assert.deepEqual(workspaces.map(w => w.id).sort(), [...alive].sort());
        // A heartbeat that reaches a follower is written on the Workspace, where the leader's idle clock sees it.
        const leaderNow = await holder();
        const follower = [...replicas.keys()].find(n => n !== leaderNow)!;
        const url = /"heartbeats":"(http:[^"]+)"/.exec(replicas.get(follower)!.output())![1];
        const key = Buffer.from(Buffer.from((await cluster.kubectl(['-n', NAMESPACE, 'get', 'secret', 'warren-workspace-key', '-o', 'jsonpath={.data.key}'])).trim(), 'base64')
            .toString(), 'hex');
        const id = [...alive][0];
        const beat = await fetch(`${url}${HEARTBEAT_PATH}`, {
            method: 'POST', headers: { Authorization: `Bearer ${new WorkspaceTokens(key).token('load', id)}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ reasons: ['user input'] })
        });
        assert.ok(beat.ok, `heartbeat answered ${beat.status}`);
        await eventually('the activity on the Workspace', async () =>
            (await cluster.kubectl(['-n', 'warren-load', 'get', 'workspace', id, '-o', 'jsonpath={.metadata.annotations.warren\\.dev/last-activity}'])).trim() || undefined, 30_000);
        for (const id of gone) {
            assert.equal(await cluster.kubectl(['-n', 'warren-load', 'get', 'workspace,pod,pvc', '-l', `warren.dev/workspace=${id}`, '-o', 'name']), '', `${id} left nothing`);
        }
        api.close();
    });
});
