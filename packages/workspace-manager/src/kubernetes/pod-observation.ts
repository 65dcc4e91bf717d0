import * as k8s from '@kubernetes/client-node';
import { WorkspaceClass } from '../classes';
import { Observation } from '../lifecycle/phase';
import { RuntimeFacts } from '../providers/provider';
import { IDE_PORT } from './tenant-namespaces';
import { CLONE_CONTAINER } from './workspace-objects';

/** What the informers hold of one workspace, and what the provider knows besides. */
export interface PodView {
    pod?: k8s.V1Pod;
    volume?: k8s.V1PersistentVolumeClaim;
    cls?: WorkspaceClass;
    /** How many nodes advertise the class's GPU resource at all. */
    gpuNodes: number;
    /** The GPU model of the pod's node (its nvidia.com/gpu.product label), when it has one. */
    gpuProduct?: string;
    /** The IDE proved it is this workspace's (the identity endpoint). */
    identityProven: boolean;
    /** The clone's latest progress line (its init container's log), while it runs. */
    cloneProgress?: string;
    now: number;
}

/** Reasons a container waits that no amount of waiting mends. */
const HOPELESS = new Set(['ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);
const PULLING = new Set(['ErrImagePull', 'ImagePullBackOff']);
/** How long an image that fails to pull is retried before the workspace fails. */
export const PULL_PATIENCE_MS = 120_000;

/**
 * The observation of one workspace from its pod and volume, as a pure function: the phase comes
 * from what is seen, with words a person can act on (waiting for a GPU and why, an image that does
 * not pull, an IDE out of memory). `gaveUp` is set when waiting longer would not help.
 */
export function observePod(view: PodView): Observation & RuntimeFacts {
    const { pod, cls } = view;
    const storage = view.volume ? 'ready' : 'absent';
    const facts = { notes: [] as string[], node: pod?.spec?.nodeName, runtimeId: pod?.metadata?.uid, gpu: gpuFact(cls, view.gpuProduct) };
    if (!pod) {
        return { storage, runtime: 'absent', ready: false, ...facts };
    }
    if (pod.metadata?.deletionTimestamp) {
        return { storage, runtime: 'stopping', ready: false, ...facts };
    }
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') {
        // Evicted, or its node was lost: a new pod is made while the workspace should run.
        const why = pod.status?.reason === 'Evicted' ? `evicted: ${pod.status?.message ?? 'the node ran short'}` : pod.status?.message ?? pod.status?.reason ?? phase;
        return { storage, runtime: 'absent', ready: false, ...facts, notes: [`Replaced: the last pod ended (${why})`] };
    }
    const scheduled = condition(pod, 'PodScheduled');
    const created = Date.parse(String(pod.metadata?.creationTimestamp ?? '')) || view.now;
    if (!pod.spec?.nodeName) {
        if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
            const timeout = schedulingTimeoutSeconds(cls);
            const said = scheduled.message ?? 'no node fits';
            const waitingFor = cls?.gpuResource && cls.gpuCount
                ? `a GPU of class ${cls.name}: 0 of ${view.gpuNodes} GPU nodes have a free ${cls.gpuResource} (scheduler: ${said})`
                : `a node with room for class ${cls?.name ?? '?'} (scheduler: ${said})`;
            if (view.now - created > timeout * 1000) {
                return {
                    storage, runtime: 'starting', ready: false, ...facts, waitingFor,
                    gaveUp: `No node could take the workspace within ${timeout} s (the class's scheduling timeout). The scheduler said: ${said}`
                        + (cls?.gpuResource ? ` Free a GPU (stop another GPU workspace), or choose a class with fewer GPUs.` : ' Choose a smaller class.')
                };
            }
            return { storage, runtime: 'starting', ready: false, ...facts, waitingFor };
        }
        return { storage, runtime: 'starting', ready: false, ...facts };
    }
    let launchedAt = Date.parse(String(scheduled?.lastTransitionTime ?? '')) || created;
    const clone = pod.status?.initContainerStatuses?.find(c => c.name === CLONE_CONTAINER);
    const cloneSpec = pod.spec.initContainers?.find(c => c.name === CLONE_CONTAINER);
    const cloneDone = clone?.state?.terminated?.exitCode === 0;
    if (cloneSpec && !cloneDone) {
        // The first start's clone. With restartPolicy Always the kubelet would run a failed one again and
        // again: the first failure is final (the reconciler then deletes the pod), in the clone's own words.
        const failed = [clone?.state?.terminated, clone?.lastState?.terminated].find(t => t && t.exitCode !== 0);
        if (failed) {
            return { storage, runtime: 'starting', ready: false, ...facts, gaveUp: cloneFailure(failed, cls) };
        }
        const stuck = containerWaiting(pod, clone, view, launchedAt);
        if (stuck) {
            return { storage, runtime: 'starting', ready: false, ...facts, ...stuck };
        }
        // Cloning takes as long as the repository needs: the IDE's start timeout counts from the clone's end.
        const url = cloneSpec.args?.find(a => a.startsWith('--url='))?.slice('--url='.length) ?? 'the repository';
        const progress = clone?.state?.running && view.cloneProgress ? `: ${view.cloneProgress}` : '';
        return { storage, runtime: 'starting', ready: false, ...facts, launchedAt: view.now, notes: [`Cloning: ${url}${progress}`] };
    }
    if (cloneDone) {
        launchedAt = Math.max(launchedAt, Date.parse(String(clone?.state?.terminated?.finishedAt ?? '')) || 0);
    }
    const container = pod.status?.containerStatuses?.find(c => c.name === 'ide');
    const stuck = containerWaiting(pod, container, view, launchedAt);
    if (stuck) {
        return { storage, runtime: 'starting', ready: false, ...facts, ...stuck };
    }
    const ended = container?.lastState?.terminated ?? container?.state?.terminated;
    if ((ended && (container?.restartCount ?? 0) > 0) || container?.state?.terminated) {
        return { storage, runtime: 'exited', ready: false, ...facts, exitReason: exitReason(ended!, cls) };
    }
    const url = pod.status?.podIP ? `http://${pod.status.podIP}:${IDE_PORT}` : undefined;
    const running = Boolean(container?.state?.running);
    return {
        storage,
        runtime: running ? 'running' : 'starting',
        ready: running && Boolean(container?.ready) && Boolean(url) && view.identityProven,
        launchedAt,
        ...facts,
        url
    };
}

/** A container that cannot be created, or whose image does not pull: waiting for it, or giving up. */
function containerWaiting(pod: k8s.V1Pod, status: k8s.V1ContainerStatus | undefined, view: PodView, launchedAt: number):
    Pick<Observation, 'waitingFor' | 'gaveUp' | 'launchedAt'> | undefined {
    const waiting = status?.state?.waiting;
    const role = status?.name === CLONE_CONTAINER ? 'clone' : 'IDE';
    if (waiting?.reason && HOPELESS.has(waiting.reason)) {
        return {
            gaveUp: `The ${role}'s container could not be created (${waiting.reason}): ${waiting.message ?? ''} Ask an admin to check the workspace image and its settings.`.replace(/ +/g, ' ')
        };
    }
    if (waiting?.reason && PULLING.has(waiting.reason)) {
        const waitingFor = `the workspace image ${pod.spec?.containers[0]?.image} (${waiting.reason}: ${waiting.message ?? 'no message'})`;
        return view.now - launchedAt > PULL_PATIENCE_MS
            ? { waitingFor, gaveUp: `The workspace image could not be pulled: ${waiting.message ?? waiting.reason}. Ask an admin to check the image name and the registry's credentials.` }
            : { waitingFor, launchedAt: view.now };
    }
    return undefined;
}

/** Why the clone failed: the message clone-cli.js wrote (git's words explained), or what Kubernetes says of its end. */
function cloneFailure(t: k8s.V1ContainerStateTerminated, cls: WorkspaceClass | undefined): string {
    if (t.reason === 'OOMKilled') {
        return `The clone ran out of memory: the class "${cls?.name ?? '?'}" allows ${cls?.memory ?? 'less'}; choose a larger class.`;
    }
    const message = t.message?.trim();
    return message ? message.split('\n').slice(-3).join(' ') : `The clone failed (exit code ${t.exitCode}${t.reason ? `, ${t.reason}` : ''}).`;
}

function exitReason(t: k8s.V1ContainerStateTerminated, cls: WorkspaceClass | undefined): string {
    if (t.reason === 'OOMKilled') {
        return `it ran out of memory: the class "${cls?.name ?? '?'}" allows ${cls?.memory ?? 'less'}; choose a larger class`;
    }
    return `exit code ${t.exitCode}${t.reason ? `, ${t.reason}` : ''}${t.message ? `: ${t.message.trim().split('\n').pop()}` : ''}`;
}

function condition(pod: k8s.V1Pod, type: string): k8s.V1PodCondition | undefined {
    return pod.status?.conditions?.find(c => c.type === type);
}

export function schedulingTimeoutSeconds(cls: WorkspaceClass | undefined): number {
    return cls?.schedulingTimeoutSeconds ?? (cls?.gpuResource ? 600 : 300);
}

function gpuFact(cls: WorkspaceClass | undefined, product: string | undefined): string | undefined {
    if (!cls?.gpuResource || !cls.gpuCount) {
        return undefined;
    }
    return `${cls.gpuCount} x ${cls.gpuResource}${product ? ` (${product})` : ''}`;
}
