import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { WorkspaceClass } from '../classes';
import { WorkspaceRecord } from '../model';
import { DEFAULT_CLUSTER_SETTINGS, parseClusterSettings } from './cluster-settings';
import { quotaHard, tenantObjects } from './tenant-namespaces';
import { workspaceConfig, WorkspaceContext, workspacePod, workspaceSecret, workspaceVolume } from './workspace-objects';
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

describe('a git-sourced workspace\'s pod', () => {
    const git: WorkspaceRecord = { ...ws, source: { kind: 'git', url: 'https://git.example.com/team/api.git', ref: 'v1.2.0', folder: 'services/api' } };
    const gitCtx = (cls: WorkspaceClass, extra: Partial<WorkspaceContext> = {}): WorkspaceContext => ({ ...ctx(cls), ws: git, ...extra });
    const envOf = (c: k8s.V1Container): Record<string, string | undefined> => Object.fromEntries(c.env!.map(e => [e.name, e.value]));
    const HELPER = `!'/usr/local/bin/node' '/opt/warren/app/packages/git-credential-helper/lib/main.js'`;
    const SSH = `'/usr/local/bin/node' '/opt/warren/app/packages/git-credential-helper/lib/ssh.js'`;

    it('has the clone as an init container only for a git source', () => {
        assert.equal(workspacePod(ctx(small)).spec!.initContainers, undefined);
        const init = workspacePod(gitCtx(small)).spec!.initContainers!;
        assert.deepEqual(init.map(c => c.name), ['clone']);
        assert.deepEqual(init[0].command, ['/usr/local/bin/node', '/opt/warren/app/packages/workspace-manager/lib/providers/clone-cli.js']);
        assert.deepEqual(init[0].args, ['--target=/home/warren/workspace', '--url=https://git.example.com/team/api.git', '--ref=v1.2.0', '--folder=services/api']);
        assert.ok(workspacePod(gitCtx(small, { hasGitCredential: true })).spec!.initContainers![0].args!.includes('--has-credential'));
        assert.equal(init[0].image, settings.image);
    });

    it('clones with the workspace\'s identity: the same user and restrictions as the IDE, no service-account token, the class\'s limits without a GPU', () => {
        const pod = workspacePod(gitCtx(gpu));
        const [clone] = pod.spec!.initContainers!;
        assert.deepEqual(clone.securityContext, pod.spec!.containers[0].securityContext);
        assert.deepEqual(clone.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
        assert.equal(pod.spec!.securityContext!.runAsUser, 1000);
        assert.equal(pod.spec!.automountServiceAccountToken, false);
        assert.deepEqual(clone.resources, { limits: { cpu: '4', memory: '16Gi' }, requests: { cpu: '4', memory: '16Gi' } });
        assert.equal(envOf(clone).NVIDIA_VISIBLE_DEVICES, 'void', 'no GPU for the clone, even from a CUDA image\'s default');
        assert.deepEqual(clone.volumeMounts, [{ name: 'home', mountPath: '/home/warren' }, { name: 'tmp', mountPath: '/tmp' }]);
        assert.deepEqual([clone.terminationMessagePath, clone.terminationMessagePolicy], ['/dev/termination-log', 'FallbackToLogsOnError']);
    });

    it('gives the clone the credential helper and the workspace token from the Secret, and writes no token anywhere', () => {
        const pod = workspacePod(gitCtx(small));
        const [clone] = pod.spec!.initContainers!;
        const env = envOf(clone);
        assert.equal(env.WARREN_ACTIVITY_URL, 'http://10.0.0.1:7082');
        assert.deepEqual(clone.env!.find(e => e.name === 'WARREN_WORKSPACE_TOKEN')!.valueFrom, { secretKeyRef: { name: 'ws-hello-secret', key: 'token' } });
        assert.equal(env.WARREN_WORKSPACE_TOKEN, undefined);
        assert.deepEqual([env.GIT_CONFIG_COUNT, env.GIT_CONFIG_KEY_0, env.GIT_CONFIG_VALUE_0, env.GIT_CONFIG_KEY_1, env.GIT_CONFIG_VALUE_1, env.GIT_CONFIG_KEY_2, env.GIT_CONFIG_VALUE_2],
            ['3', 'credential.helper', '', 'credential.helper', HELPER, 'core.sshCommand', SSH]);
        assert.deepEqual([env.GIT_TERMINAL_PROMPT, env.GIT_CONFIG_NOSYSTEM, env.GIT_CONFIG_GLOBAL], ['0', '1', '/dev/null']);
        // Nothing of the token in the spec: the only way to it is the Secret's key, and the helper writes nothing.
        const token = 'tok-123';
        const secret = workspaceSecret(gitCtx(small), 'ide-456', token);
        assert.equal(secret.stringData!.token, token);
        assert.ok(!JSON.stringify(pod).includes(token));
        assert.ok(clone.env!.every(e => e.value === undefined || !/token|secret/i.test(e.name)), 'secrets come from the Secret, never as values');
    });

    it('gives the IDE the helper too (a terminal\'s git push asks through the relay), and opens the repository\'s folder', () => {
        const [ide] = workspacePod(gitCtx(small)).spec!.containers;
        assert.deepEqual([envOf(ide).GIT_CONFIG_COUNT, envOf(ide).GIT_CONFIG_KEY_0, envOf(ide).GIT_CONFIG_VALUE_0, envOf(ide).GIT_CONFIG_KEY_1, envOf(ide).GIT_CONFIG_VALUE_1],
            ['2', 'credential.helper', HELPER, 'core.sshCommand', SSH]);
        assert.deepEqual(ide.args, ['/opt/warren/bin/warren-workspace', '--workspace', '/home/warren/workspace/services/api']);
        assert.equal(workspacePod(ctx(small)).spec!.containers[0].args, undefined, 'the image\'s command as it is');
        assert.equal(envOf(workspacePod(ctx(small)).spec!.containers[0]).GIT_CONFIG_VALUE_0, HELPER);
        const root = workspacePod({ ...ctx(small), ws: { ...git, source: { ...git.source, folder: '' } as WorkspaceRecord['source'] } });
        assert.equal(root.spec!.containers[0].args, undefined);
    });
});
