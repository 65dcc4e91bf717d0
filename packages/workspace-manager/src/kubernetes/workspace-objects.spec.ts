import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { WorkspaceClass } from '../classes';
import { WorkspaceRecord } from '../model';
import { DEFAULT_CLUSTER_SETTINGS, parseClusterSettings } from './cluster-settings';
import { quotaHard, tenantObjects } from './tenant-namespaces';
import { workspaceConfig, WorkspaceContext, workspacePod, workspaceVolume } from './workspace-objects';
import { fromResource, toResource, toResourceStatus, tenantNamespace } from './workspace-resource';

const ws: WorkspaceRecord = {
    tenant: 't1', id: 'hello', name: 'Hello', className: 'small', desired: 'running', deleting: false, forceStop: false,
    goEnv: { GOPRIVATE: 'example.com/*' }, source: { kind: 'template' }, createdAt: '2026-12-01T00:00:00.000Z', generation: 1,
    status: { phase: 'pending', version: 1, conditions: ['Waiting: for a GPU of class x', 'plain words'], updatedAt: '2026-12-01T00:00:00.000Z' }
};
const small: WorkspaceClass = { name: 'small', description: '', cpu: '2', memory: '4Gi', disk: '10Gi', requests: { cpu: '250m' } };
const gpu: WorkspaceClass = {
    name: 'gpu', description: '', cpu: '4', memory: '16Gi', disk: '20Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 2,
    nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], runtimeClassName: 'nvidia'
};
const settings = { ...DEFAULT_CLUSTER_SETTINGS, image: 'localhost/warren-workspace:1', goEnv: { GOPROXY: 'https://proxy.example', GOPRIVATE: 'admin/*' } };
const ctx = (cls: WorkspaceClass): WorkspaceContext => ({
    ws, cls, settings, namespace: 'warren-t1', ownerUid: 'uid-1', activityUrl: 'http://10.0.0.1:7082', heartbeatSeconds: 60
});

describe('workspace objects', () => {
    it('makes a pod that Pod Security "restricted" admits, with no token, no secret in its spec, and owned by its Workspace', () => {
        const pod = workspacePod(ctx(small));
        const c = pod.spec!.containers[0];
        assert.equal(pod.metadata!.name, 'ws-hello');
        assert.deepEqual(pod.metadata!.ownerReferences, [{ apiVersion: 'warren.dev/v1alpha1', kind: 'Workspace', name: 'hello', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
        assert.equal(pod.spec!.automountServiceAccountToken, false);
        assert.deepEqual(pod.spec!.securityContext!.seccompProfile, { type: 'RuntimeDefault' });
        assert.equal(pod.spec!.securityContext!.runAsNonRoot, true);
        assert.deepEqual([c.securityContext!.allowPrivilegeEscalation, c.securityContext!.capabilities!.drop], [false, ['ALL']]);
        assert.ok(c.env!.every(e => e.value === undefined || !/secret/i.test(e.name)), 'secrets come from the Secret, never as values');
        assert.deepEqual(c.env!.find(e => e.name === 'WARREN_IDE_SECRET')!.valueFrom, { secretKeyRef: { name: 'ws-hello-secret', key: 'ide-secret' } });
        assert.equal(c.env!.find(e => e.name === 'NVIDIA_VISIBLE_DEVICES')!.value, 'void');
        assert.deepEqual(c.resources, { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '250m', memory: '4Gi' } });
    });

    it('gives a GPU class its resource with requests equal to limits, its node selector, tolerations and runtime class', () => {
        const pod = workspacePod(ctx(gpu));
        const c = pod.spec!.containers[0];
        assert.equal(c.resources!.limits!['nvidia.com/gpu'], '2');
        assert.equal(c.resources!.requests!['nvidia.com/gpu'], '2');
        assert.deepEqual(pod.spec!.nodeSelector, { 'nvidia.com/gpu.present': 'true' });
        assert.deepEqual(pod.spec!.tolerations, gpu.tolerations);
        assert.equal(pod.spec!.runtimeClassName, 'nvidia');
        assert.equal(c.env!.find(e => e.name === 'NVIDIA_VISIBLE_DEVICES'), undefined);
    });

    it('writes the Go environment as a GOENV file, the workspace\'s own settings over the admin\'s', () => {
        assert.equal(workspaceConfig(ctx(small)).data!['go.env'], 'GOPROXY=https://proxy.example\nGOPRIVATE=example.com/*\n');
        assert.equal(workspaceVolume(ctx(small)).spec!.resources!.requests!.storage, '10Gi');
    });

    it('keeps a tenant namespace within 63 characters', () => {
        assert.equal(tenantNamespace('warren-', 't1'), 'warren-t1');
        const long = tenantNamespace('warren-tenants-', 'a'.repeat(60));
        assert.equal(long.length, 63);
        assert.notEqual(long, tenantNamespace('warren-tenants-', `${'a'.repeat(59)}b`));
    });

    it('turns a record into a Workspace resource and back, conditions included', () => {
        const r = { ...toResource('warren-t1', ws), status: toResourceStatus(ws.status) };
        r.metadata = { ...r.metadata, generation: 1, creationTimestamp: new Date(ws.createdAt) };
        assert.deepEqual(r.status.conditions[0], { type: 'Waiting', status: 'True', message: 'for a GPU of class x' });
        assert.deepEqual(fromResource(r), ws);
    });
});

describe('tenant namespaces', () => {
    it('label the namespace for Pod Security "restricted" and deny all traffic but the gateway in and DNS, heartbeats and the allowlist out', () => {
        const objects = tenantObjects({ ...settings, egressAllowlist: [{ to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }] }, 't1', 'warren-t1', 7082);
        const ns = objects.find(o => o.kind === 'Namespace')!;
        assert.equal(ns.metadata!.labels!['pod-security.kubernetes.io/enforce'], 'restricted');
        const policy = objects.find(o => o.kind === 'NetworkPolicy') as unknown as { spec: Record<string, unknown> };
        assert.deepEqual(policy.spec.podSelector, {});
        assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
        assert.deepEqual(policy.spec.ingress, [{ from: settings.controlPlanePeers, ports: [{ protocol: 'TCP', port: 3000 }] }]);
        assert.equal((policy.spec.egress as unknown[]).length, 3);
    });

    it('turn a quota into ResourceQuota limits, GPUs and MIG profiles included', () => {
        assert.deepEqual(quotaHard({ cpu: '8', memory: '32Gi', gpus: { 'nvidia.com/gpu': 1, 'nvidia.com/mig-1g.10gb': 2 }, volumes: 5, storage: '100Gi', running: 3 }), {
            'requests.cpu': '8', 'limits.cpu': '8', 'requests.memory': '32Gi', 'limits.memory': '32Gi',
            'requests.nvidia.com/gpu': '1', 'requests.nvidia.com/mig-1g.10gb': '2', persistentvolumeclaims: '5', 'requests.storage': '100Gi', pods: '3'
        });
    });
});

describe('cluster settings', () => {
    it('list every problem at once, each naming the field', () => {
        const { settings: s, problems } = parseClusterSettings({
            imagePullPolicy: 'Sometimes', tenants: { 'Bad Name': {}, t2: { gpus: { 'nvidia.com/gpu': 0.5 }, cpu: 'lots' } }, colour: 'blue'
        });
        assert.equal(s, undefined);
        assert.deepEqual(problems.map(p => p.split(':')[0]),
            ['colour', 'image', 'imagePullPolicy', 'heartbeatUrl', 'tenants.Bad Name', 'tenants.t2.cpu', 'tenants.t2.gpus["nvidia.com/gpu"]']);
        assert.match(problems.at(-1)!, /whole number of devices .* not 0.5/);
    });

    it('take the image from the command line and follow the control plane\'s namespace', () => {
        const { settings: s, problems } = parseClusterSettings({ controlPlaneNamespace: 'platform', heartbeatUrl: 'http://warren.platform.svc:7082' }, 'localhost/ws:1');
        assert.deepEqual(problems, []);
        assert.equal(s!.image, 'localhost/ws:1');
        assert.deepEqual(s!.controlPlanePeers, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform' } } }]);
    });
});
