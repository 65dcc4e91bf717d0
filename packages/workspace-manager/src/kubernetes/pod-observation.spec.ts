import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { WorkspaceClass } from '../classes';
import { observePod, PodView, PULL_PATIENCE_MS } from './pod-observation';

const GPU: WorkspaceClass = { name: 'gpu-small', description: '', cpu: '4', memory: '16Gi', disk: '10Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1, schedulingTimeoutSeconds: 60 };
const CPU: WorkspaceClass = { name: 'small', description: '', cpu: '2', memory: '4Gi', disk: '10Gi' };
const NOW = Date.parse('2026-12-01T12:00:00Z');
const volume = { metadata: { name: 'ws-a-home' } } as k8s.V1PersistentVolumeClaim;
const view = (pod: k8s.V1Pod | undefined, cls = CPU, extra: Partial<PodView> = {}): PodView =>
    ({ pod, volume, cls, gpuNodes: 3, identityProven: true, now: NOW, ...extra });
const at = (secondsAgo: number): string => new Date(NOW - secondsAgo * 1000).toISOString();

function pod(status: k8s.V1PodStatus, nodeName?: string, createdSecondsAgo = 5): k8s.V1Pod {
    return {
        metadata: { name: 'ws-a', uid: 'u1', creationTimestamp: at(createdSecondsAgo) as unknown as Date },
        spec: { nodeName, containers: [{ name: 'ide', image: 'localhost/warren-workspace:1' }] },
        status
    };
}

const unschedulable = (message: string): k8s.V1PodStatus => ({
    phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }]
});

describe('observePod', () => {
    it('reports no pod as absent, with the volume there', () => {
        assert.deepEqual([observePod(view(undefined)).storage, observePod(view(undefined)).runtime], ['ready', 'absent']);
        assert.equal(observePod({ ...view(undefined), volume: undefined }).storage, 'absent');
    });

    it('says a GPU pod waits for a GPU, with the number of GPU nodes and the scheduler\'s words, and no start clock yet', () => {
        const said = '0/4 nodes are available: 3 Insufficient nvidia.com/gpu, 1 node(s) didn\'t match Pod\'s node affinity/selector.';
        const obs = observePod(view(pod(unschedulable(said)), GPU));
        assert.equal(obs.runtime, 'starting');
        assert.equal(obs.waitingFor, `a GPU of class gpu-small: 0 of 3 GPU nodes have a free nvidia.com/gpu (scheduler: ${said})`);
        assert.equal(obs.launchedAt, undefined, 'the reconciler\'s start timeout must not run while the scheduler waits');
        assert.equal(obs.gaveUp, undefined);
    });

    it('gives up after the class\'s scheduling timeout, quoting the scheduler', () => {
        const obs = observePod(view(pod(unschedulable('0/4 nodes are available: 3 Insufficient nvidia.com/gpu.'), undefined, 61), GPU));
        assert.match(obs.gaveUp ?? '', /within 60 s .*Insufficient nvidia.com\/gpu.*Free a GPU/);
    });

    it('never gives up on the first FailedScheduling, however it reads', () => {
        assert.equal(observePod(view(pod(unschedulable('0/1 nodes are available: 1 Insufficient cpu.'), undefined, 1))).gaveUp, undefined);
    });

    it('is ready only when the container runs, is ready and the IDE proved its identity', () => {
        const running: k8s.V1PodStatus = {
            phase: 'Running', podIP: '10.244.0.7', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at(3) as unknown as Date }],
            containerStatuses: [{ name: 'ide', ready: true, restartCount: 0, image: 'x', imageID: 'x', state: { running: { startedAt: at(2) as unknown as Date } } }]
        };
        const obs = observePod(view(pod(running, 'real-0')));
        assert.deepEqual([obs.runtime, obs.ready, obs.url, obs.node], ['running', true, 'http://10.244.0.7:3000', 'real-0']);
        assert.equal(obs.launchedAt, NOW - 3000);
        assert.equal(observePod(view(pod(running, 'real-0'), CPU, { identityProven: false })).ready, false);
    });

    it('names an IDE that ran out of memory and what to do', () => {
        const oom: k8s.V1PodStatus = {
            phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }],
            containerStatuses: [{
                name: 'ide', ready: false, restartCount: 1, image: 'x', imageID: 'x', state: { waiting: { reason: 'CrashLoopBackOff' } },
                lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } }
            }]
        };
        const obs = observePod(view(pod(oom, 'real-0')));
        assert.equal(obs.runtime, 'exited');
        assert.equal(obs.exitReason, 'it ran out of memory: the class "small" allows 4Gi; choose a larger class');
    });

    it('waits for an image that does not pull, then gives up with the registry\'s words; a never-pull image fails at once', () => {
        const pulling = (reason: string, scheduledSecondsAgo: number): k8s.V1Pod => pod({
            phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at(scheduledSecondsAgo) as unknown as Date }],
            containerStatuses: [{ name: 'ide', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason, message: 'manifest unknown' } } }]
        }, 'real-0');
        const early = observePod(view(pulling('ImagePullBackOff', 10)));
        assert.match(early.waitingFor ?? '', /workspace image localhost\/warren-workspace:1 \(ImagePullBackOff: manifest unknown\)/);
        assert.equal(early.gaveUp, undefined);
        assert.match(observePod(view(pulling('ErrImagePull', PULL_PATIENCE_MS / 1000 + 1))).gaveUp ?? '', /could not be pulled: manifest unknown/);
        assert.match(observePod(view(pulling('ErrImageNeverPull', 1))).gaveUp ?? '', /ErrImageNeverPull/);
    });

    it('takes an evicted pod for no pod, so that a new one is made while the workspace should run', () => {
        const obs = observePod(view(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }, 'real-0')));
        assert.equal(obs.runtime, 'absent');
        assert.deepEqual(obs.notes, ['Replaced: the last pod ended (evicted: The node was low on resource: memory.)']);
    });

    it('reports a pod being deleted as stopping, and the GPU it got', () => {
        const p = pod({ phase: 'Running' }, 'gpu-0');
        p.metadata!.deletionTimestamp = new Date(NOW);
        const obs = observePod(view(p, GPU, { gpuProduct: 'NVIDIA-H100-80GB-HBM3' }));
        assert.deepEqual([obs.runtime, obs.gpu], ['stopping', '1 x nvidia.com/gpu (NVIDIA-H100-80GB-HBM3)']);
    });
});

describe('observePod, for a workspace whose first start clones its repository (the init container "clone")', () => {
    const URL = 'https://git.example.com/team/api.git';
    const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: at(60) as unknown as Date };
    const ideWaiting: k8s.V1ContainerStatus = { name: 'ide', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'PodInitializing' } } };
    const cloning = (clone: Partial<k8s.V1ContainerStatus>, ide: k8s.V1ContainerStatus = ideWaiting): k8s.V1Pod => {
        const p = pod({
            phase: 'Pending', podIP: '10.244.0.9', conditions: [scheduled],
            initContainerStatuses: [{ name: 'clone', ready: false, restartCount: 0, image: 'x', imageID: 'x', ...clone }],
            containerStatuses: [ide]
        }, 'real-0');
        p.spec!.initContainers = [{ name: 'clone', image: 'localhost/warren-workspace:1', args: ['--target=/home/warren/workspace', `--url=${URL}`, '--ref=', '--folder='] }];
        return p;
    };
    const failed = (terminated: k8s.V1ContainerStateTerminated): Partial<k8s.V1ContainerStatus> => ({ state: { terminated } });
    const MESSAGE = 'Authentication failed for git.example.com: the tenant has no token for it. Add one in the dashboard (Git credentials) '
        + 'or with "warren credential add git.example.com", then start the workspace again.';

    it('says it is cloning, with the latest progress line, and keeps the start clock at now while it runs', () => {
        const obs = observePod(view(cloning({ state: { running: { startedAt: at(5) as unknown as Date } } }), CPU, { cloneProgress: 'Receiving objects:  45% (450/1000)' }));
        assert.deepEqual([obs.runtime, obs.ready, obs.gaveUp, obs.launchedAt], ['starting', false, undefined, NOW]);
        assert.deepEqual(obs.notes, [`Cloning: ${URL}: Receiving objects:  45% (450/1000)`]);
        assert.deepEqual(observePod(view(cloning({ state: { waiting: { reason: 'PodInitializing' } } }))).notes, [`Cloning: ${URL}`]);
    });

    it('gives up on the first failure with the clone\'s own message, although the kubelet would run it again', () => {
        const first = observePod(view(cloning(failed({ exitCode: 1, reason: 'Error', message: MESSAGE }))));
        assert.equal(first.gaveUp, MESSAGE);
        assert.equal(first.runtime, 'starting', 'still a pod to delete: the reconciler stops it');
        // Seen only after the kubelet started it again (restartPolicy Always), or waiting in its back-off.
        const again = cloning({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, message: MESSAGE } } });
        assert.equal(observePod(view(again)).gaveUp, MESSAGE);
        const backOff = cloning({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, message: MESSAGE } } });
        assert.equal(observePod(view(backOff)).gaveUp, MESSAGE);
    });

    it('says why when the clone left no message (node could not run it, out of memory)', () => {
        assert.equal(observePod(view(cloning(failed({ exitCode: 127, reason: 'Error' })))).gaveUp, 'The clone failed (exit code 127, Error).');
        assert.equal(observePod(view(cloning(failed({ exitCode: 137, reason: 'OOMKilled' })))).gaveUp,
            'The clone ran out of memory: the class "small" allows 4Gi; choose a larger class.');
    });

    it('waits for the clone\'s image like the IDE\'s, and gives up at once on one that is never pulled', () => {
        const pulling = observePod(view(cloning({ state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } } })));
        assert.match(pulling.waitingFor ?? '', /workspace image .*ErrImagePull: manifest unknown/);
        assert.equal(pulling.gaveUp, undefined);
        assert.match(observePod(view(cloning({ state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "ws-a-secret" not found' } } }))).gaveUp ?? '',
            /^The clone's container could not be created \(CreateContainerConfigError\): secret "ws-a-secret" not found/);
    });

    it('starts the IDE\'s clock when the clone ended, and reports the IDE as usual after it', () => {
        const done: Partial<k8s.V1ContainerStatus> = { state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: at(2) as unknown as Date } } };
        const starting = observePod(view(cloning(done)));
        assert.deepEqual([starting.runtime, starting.launchedAt, starting.gaveUp, starting.notes], ['starting', NOW - 2000, undefined, []]);
        const running = cloning(done, { name: 'ide', ready: true, restartCount: 0, image: 'x', imageID: 'x', state: { running: { startedAt: at(1) as unknown as Date } } });
        const obs = observePod(view(running));
        assert.deepEqual([obs.runtime, obs.ready, obs.url], ['running', true, 'http://10.244.0.9:3000']);
    });
});
