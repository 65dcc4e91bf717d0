import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { freePort } from '@warren/ide-launcher';
import { startTestCluster, TestCluster, testClusterUnavailable } from '@warren/test-cluster';
import { eventually } from '@warren/testing';
import { WorkspaceClient } from '@warren/workspace-api';
import { Manager, parseClusterSettings, startManager, WorkspaceClass, WorkspaceRecord } from '@warren/workspace-manager';

const GPU_TOLERATION = [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }];
const CLASSES: WorkspaceClass[] = [
    { name: 'small', description: 'no GPU', cpu: '1', memory: '1Gi', disk: '1Gi' },
    {
        name: 'gpu-h100', description: 'one H100', cpu: '4', memory: '16Gi', disk: '1Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1,
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' }, tolerations: GPU_TOLERATION
    },
    {
        name: 'gpu-b200', description: 'one B200', cpu: '4', memory: '16Gi', disk: '1Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1,
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-B200' }, tolerations: GPU_TOLERATION
    },
    {
        name: 'gpu-huge', description: 'more GPUs than any node has', cpu: '4', memory: '16Gi', disk: '1Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 16,
        nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: GPU_TOLERATION, schedulingTimeoutSeconds: 20
    }
];

/**
 * GPU classes on a real control plane (etcd, kube-apiserver, scheduler, controller manager built
 * from Go modules) with kwok GPU nodes: scheduling, quota, admission and waiting are the real ones;
 * the pods only pretend to run (kwok), so their IDE never answers and no workspace here reaches
 * "running". The IDE in a real pod is the cluster e2e test's part.
 */
describe('workspaces with GPUs on Kubernetes (kwok GPU nodes)', { skip: testClusterUnavailable() }, () => {
    let cluster: TestCluster;
    let manager: Manager;
    let admin: WorkspaceClient;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gpu-'));
    const logs: Array<Record<string, unknown>> = [];

    before(async () => {
        cluster = await startTestCluster({ name: 'warren-gpu', realNode: false });
        await cluster.addGpuNodes({ count: 2, gpus: 1, prefix: 'h100' });
        await cluster.addGpuNodes({ count: 1, gpus: 1, prefix: 'b200', product: 'NVIDIA-B200', memoryMiB: 184320 });
        await cluster.addCpuNodes(2);
        const { settings, problems } = parseClusterSettings({
            image: 'localhost/warren-workspace:kwok', storageClassName: cluster.storageClassName, controlPlaneNamespace: 'warren-gpu-test',
            heartbeatListen: '127.0.0.1:0', controlPlanePeers: [{ ipBlock: { cidr: '127.0.0.1/32' } }],
            tenants: { t1: { gpus: { 'nvidia.com/gpu': 1 }, running: 5 }, t2: { gpus: { 'nvidia.com/gpu': 32 }, cpu: '64', memory: '256Gi' } }
        });
        assert.deepEqual(problems, []);
        manager = await startManager({
            dataDir, port: await freePort(), classes: CLASSES, idle: false, log: e => logs.push(e),
            reconciler: { startTimeoutMs: 600_000 }, kubernetes: { kubeconfig: cluster.kubeconfigPath, settings: settings!, leaseSeconds: 5 }
        });
        admin = new WorkspaceClient(manager.address, manager.adminToken);
    });

    after(async () => {
        if (manager) {
            for (const ws of await manager.store.listWorkspaces()) {
                await admin.deleteWorkspace({ tenant: ws.tenant, id: ws.id }).catch(() => undefined);
            }
            await eventually('every workspace deleted', async () => (await manager.store.listWorkspaces()).length === 0 || undefined, 120_000);
            admin.close();
            await manager.stop();
        }
        await cluster?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const record = (tenant: string, id: string): Promise<WorkspaceRecord | undefined> => manager.store.getWorkspace(tenant, id);
    const until = (what: string, tenant: string, id: string, test: (ws: WorkspaceRecord) => boolean, ms = 60_000): Promise<WorkspaceRecord> =>
        eventually(what, async () => {
            const ws = await record(tenant, id);
            return ws && test(ws) ? ws : undefined;
        }, ms);
    const create = (tenant: string, id: string, className: string): Promise<unknown> => admin.createWorkspace({ tenant, id, name: id, className });

    it('puts a GPU class only on nodes with that GPU, and says which GPU it got', async () => {
        await create('t1', 'train', 'gpu-h100');
        const ws = await until('a node for t1/train', 't1', 'train', w => Boolean(w.status.node));
        assert.match(ws.status.node!, /^h100-/);
        assert.equal(ws.status.gpu, '1 x nvidia.com/gpu (NVIDIA-H100-80GB-HBM3)');
        const pod = JSON.parse(await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod', 'ws-train', '-o', 'json']));
        assert.deepEqual(pod.spec.containers[0].resources.limits['nvidia.com/gpu'], '1');
        assert.equal(pod.spec.automountServiceAccountToken, false);
    });

    it('refuses a second GPU workspace beyond the tenant\'s quota, with the numbers', async () => {
        await create('t1', 'second', 'gpu-h100');
        const ws = await until('t1/second refused', 't1', 'second', w => w.status.phase === 'failed');
        assert.match(ws.status.failureReason!, /Quota exceeded for tenant t1: requested: requests.nvidia.com\/gpu=1; used: requests.nvidia.com\/gpu=1; limited: requests.nvidia.com\/gpu=1/);
    });

    it('says a workspace waits for a GPU no node has, then fails after its class\'s timeout with the scheduler\'s reason', async () => {
        await create('t2', 'huge', 'gpu-huge');
        const waiting = await until('t2/huge waiting', 't2', 'huge', w => w.status.conditions.some(c => c.startsWith('Waiting: a GPU')));
        assert.equal(waiting.status.phase, 'starting');
        assert.match(waiting.status.conditions.join('\n'), /Waiting: a GPU of class gpu-huge: 0 of 3 GPU nodes have a free nvidia.com\/gpu \(scheduler: 0\/\d+ nodes are available: .*Insufficient nvidia.com\/gpu/);
        const failed = await until('t2/huge failed', 't2', 'huge', w => w.status.phase === 'failed', 90_000);
        assert.match(failed.status.failureReason!, /No node could take the workspace within 20 s .*Insufficient nvidia.com\/gpu/);
        assert.equal(await cluster.kubectl(['-n', 'warren-t2', 'get', 'pod', 'ws-huge', '--ignore-not-found', '-o', 'name']), '', 'the waiting pod is gone');
    });

    it('starts a waiting workspace once a GPU is freed', async () => {
        await create('t2', 'first', 'gpu-b200');
        await until('t2/first on the B200 node', 't2', 'first', w => w.status.node === 'b200-0');
        await create('t2', 'waits', 'gpu-b200');
        await until('t2/waits waiting', 't2', 'waits', w => w.status.conditions.some(c => c.startsWith('Waiting: a GPU of class gpu-b200: 0 of 1 GPU nodes')));
        await admin.stopWorkspace({ tenant: 't2', id: 'first' });
        const ws = await until('t2/waits scheduled', 't2', 'waits', w => w.status.node === 'b200-0', 90_000);
        assert.ok(!ws.status.conditions.some(c => c.startsWith('Waiting')), ws.status.conditions.join('; '));
        const first = await until('t2/first stopped', 't2', 'first', w => w.status.phase === 'stopped');
        assert.equal(first.status.node, undefined);
        assert.match(await cluster.kubectl(['-n', 'warren-t2', 'get', 'pvc', 'ws-first-home', '-o', 'name']), /ws-first-home/, 'a stop keeps the volume');
    });

    it('gives each tenant a namespace with Pod Security "restricted", its quota, limits and a default-deny NetworkPolicy', async () => {
        for (const [tenant, gpus] of [['t1', '1'], ['t2', '32']]) {
            const ns = JSON.parse(await cluster.kubectl(['get', 'namespace', `warren-${tenant}`, '-o', 'json']));
            assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
            const quota = JSON.parse(await cluster.kubectl(['-n', `warren-${tenant}`, 'get', 'resourcequota', 'warren-tenant', '-o', 'json']));
            assert.equal(quota.spec.hard['requests.nvidia.com/gpu'], gpus);
            const policy = JSON.parse(await cluster.kubectl(['-n', `warren-${tenant}`, 'get', 'networkpolicy', 'warren-workspaces', '-o', 'json']));
            assert.deepEqual(policy.spec.podSelector, {});
            assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
            assert.deepEqual(policy.spec.ingress, [{ from: [{ ipBlock: { cidr: '127.0.0.1/32' } }], ports: [{ port: 3000, protocol: 'TCP' }] }]);
            assert.deepEqual(policy.spec.egress[0], { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
            assert.match(await cluster.kubectl(['-n', `warren-${tenant}`, 'get', 'limitrange', 'warren-tenant', '-o', 'name']), /warren-tenant/);
        }
        const t2 = JSON.parse(await cluster.kubectl(['-n', 'warren-t2', 'get', 'resourcequota', 'warren-tenant', '-o', 'json']));
        assert.deepEqual([t2.spec.hard['requests.cpu'], t2.spec.hard['limits.memory']], ['64', '256Gi']);
    });

    it('lets Pod Security refuse a pod in a tenant\'s namespace that runs as root', async () => {
        const root = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'warren-t1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
        fs.writeFileSync(path.join(dataDir, 'root-pod.json'), root);
        await assert.rejects(cluster.kubectl(['apply', '-f', path.join(dataDir, 'root-pod.json')]), /violates PodSecurity "restricted:latest"/);
    });

    it('keeps watching when the API server restarts, without a manager restart', async () => {
        await cluster.restartApiserver();
        await create('t1', 'after-restart', 'small');
        // The bound is the informers' designed worst case after a restart, not a speed: a silent watch is reopened
        // after 90 s (stallMs, checked every 10 s) and a failing one retried after at most 30 s.
        const ws = await until('t1/after-restart on a node', 't1', 'after-restart', w => Boolean(w.status.node), 180_000);
        assert.match(ws.status.node!, /^cpu-|^kwok-/);
    });

    it('makes a new pod when the old one was evicted, while the workspace should run', async () => {
        const uid = (await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod', 'ws-after-restart', '-o', 'jsonpath={.metadata.uid}'])).trim();
        await cluster.kubectl(['-n', 'warren-t1', 'patch', 'pod', 'ws-after-restart', '--subresource=status', '--type=merge', '-p',
            JSON.stringify({ status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } })]);
        await eventually('a new pod for t1/after-restart', async () => {
            const now = await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod', 'ws-after-restart', '--ignore-not-found', '-o', 'jsonpath={.metadata.uid} {.status.phase}']);
            const [newUid, phase] = now.trim().split(' ');
            return newUid && newUid !== uid && phase === 'Running' || undefined;
        }, 180_000); // as above: the pod informer may still be coming back from the API server's restart
        const ws = await record('t1', 'after-restart');
        assert.notEqual(ws!.status.phase, 'failed', ws!.status.failureReason);
    });

    it('refuses to start without the permissions it needs, naming the one that is missing', async () => {
        await cluster.kubectl(['create', 'namespace', 'rbac-test']);
        await cluster.kubectl(['-n', 'rbac-test', 'create', 'serviceaccount', 'manager']);
        const token = (await cluster.kubectl(['-n', 'rbac-test', 'create', 'token', 'manager'])).trim();
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(cluster.kubeconfigPath);
        const current = kc.getCurrentCluster()!;
        kc.loadFromOptions({
            clusters: [current], users: [{ name: 'manager', token }], contexts: [{ name: 'manager', cluster: current.name, user: 'manager' }], currentContext: 'manager'
        });
        const file = path.join(dataDir, 'unprivileged.kubeconfig');
        fs.writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
        const { settings } = parseClusterSettings({ image: 'x', heartbeatListen: '127.0.0.1:0', controlPlaneNamespace: 'rbac-test' });
        await assert.rejects(startManager({ dataDir: path.join(dataDir, 'rbac'), port: 0, classes: CLASSES, idle: false, log: () => undefined,
            kubernetes: { kubeconfig: file, settings: settings! } }),
        /The workspace manager may not install the CustomResourceDefinition workspaces\.warren\.dev: .*User "system:serviceaccount:rbac-test:manager" cannot \w+ resource "customresourcedefinitions"/);
    });

    it('removes the pod, volume, ConfigMap and Secret with the workspace', async () => {
        await admin.deleteWorkspace({ tenant: 't1', id: 'train' });
        await eventually('t1/train gone', async () => (await record('t1', 'train')) ? undefined : true, 60_000);
        await eventually('its objects gone', async () => {
            const left = await cluster.kubectl(['-n', 'warren-t1', 'get', 'pod,pvc,configmap,secret,workspace', '-l', 'warren.dev/workspace=train', '-o', 'name']);
            return left === '' || undefined;
        }, 60_000);
    });
});
