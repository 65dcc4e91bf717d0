import { DNS_LABEL } from '@warren/workspace-api';

/** A taint a class's pods tolerate (Kubernetes' Toleration, the fields Warren passes through). */
export interface ClassToleration {
    key?: string;
    operator?: 'Exists' | 'Equal';
    value?: string;
    effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A workspace class as an admin configures it (classes.json, or the Helm values later). */
export interface WorkspaceClass {
    name: string;
    description: string;
    /** CPU cores, e.g. "2" (Kubernetes quantity). */
    cpu: string;
    /** Memory, e.g. "4Gi". */
    memory: string;
    /** Disk for the workspace volume, e.g. "10Gi". */
    disk: string;
    /** e.g. "nvidia.com/gpu" or "nvidia.com/mig-1g.10gb"; absent for none. */
    gpuResource?: string;
    gpuCount?: number;
    /** Idle timeout; default 1800. */
    idleTimeoutSeconds?: number;
    /** Cluster mode: what the pod is guaranteed (default: the limits above, cpu and memory). */
    requests?: { cpu?: string; memory?: string };
    /** Cluster mode: the volume's StorageClass (default: the cluster settings', else the cluster's default). */
    storageClassName?: string;
    /** Cluster mode: where the pod may run, e.g. { "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" }. */
    nodeSelector?: Record<string, string>;
    tolerations?: ClassToleration[];
    /** Cluster mode: e.g. "nvidia" where the GPU operator installs a runtime class. */
    runtimeClassName?: string;
    /** Cluster mode: how long a pod may wait for a node (a free GPU) before the workspace fails; default 600 s with a GPU, 300 s without. */
    schedulingTimeoutSeconds?: number;
}

export const DEFAULT_CLASSES: WorkspaceClass[] = [
    { name: 'small', description: '2 CPUs, 4 GiB memory, 10 GiB disk', cpu: '2', memory: '4Gi', disk: '10Gi' },
    { name: 'large', description: '4 CPUs, 16 GiB memory, 50 GiB disk', cpu: '4', memory: '16Gi', disk: '50Gi' }
];

const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/;
const CPU = /^\d+(\.\d+)?m?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Bytes of a memory quantity such as "4Gi" or "512Mi"; undefined when it is not one. */
export function memoryBytes(quantity: string): number | undefined {
    const m = QUANTITY.exec(quantity);
    if (!m) {
        return undefined;
    }
    const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }[m[2] as 'Ki'] ?? 1;
    return Math.floor(Number(m[1]) * unit);
}

/** Every problem of a class list, each naming the class and the field, so that a config error says all at once. */
export function checkClasses(classes: unknown): string[] {
    if (!Array.isArray(classes) || classes.length === 0) {
        return ['classes must be a non-empty list of workspace classes.'];
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    classes.forEach((c: Partial<WorkspaceClass>, i) => {
        const where = `classes[${i}]${c?.name ? ` (${c.name})` : ''}`;
        if (typeof c?.name !== 'string' || !DNS_LABEL.test(c.name)) {
            problems.push(`${where}: name must be a DNS-1123 label such as "small".`);
        } else if (seen.has(c.name)) {
            problems.push(`${where}: the name is used twice.`);
        } else {
            seen.add(c.name);
        }
        if (typeof c?.cpu !== 'string' || !CPU.test(c.cpu)) {
            problems.push(`${where}: cpu must be a quantity such as "2", "1.5" or "500m".`);
        }
        for (const field of ['memory', 'disk'] as const) {
            if (typeof c?.[field] !== 'string' || !QUANTITY.test(c[field] as string)) {
                problems.push(`${where}: ${field} must be a quantity such as "4Gi" or "512Mi".`);
            }
        }
        problems.push(...checkGpu(where, c), ...checkPlacement(where, c));
    });
    return problems;
}

function checkGpu(where: string, c: Partial<WorkspaceClass>): string[] {
    const problems: string[] = [];
    if (c?.gpuResource !== undefined && (typeof c.gpuResource !== 'string' || !/^[a-z0-9.-]+\/[a-z0-9.-]+$/.test(c.gpuResource))) {
        problems.push(`${where}: gpuResource must be a resource name such as "nvidia.com/gpu" or "nvidia.com/mig-1g.10gb".`);
    }
    if (c?.gpuCount !== undefined && (typeof c.gpuCount !== 'number' || !Number.isInteger(c.gpuCount) || c.gpuCount < 1)) {
        problems.push(`${where}: gpuCount must be a whole number of GPUs such as 1, not ${JSON.stringify(c.gpuCount)}: a GPU cannot be requested in parts `
            + '(for a share of one, use a MIG resource such as "nvidia.com/mig-1g.10gb" as gpuResource).');
    }
    if (c?.gpuResource !== undefined && c.gpuCount === undefined) {
        problems.push(`${where}: gpuResource is set but gpuCount is not: say how many, e.g. "gpuCount": 1.`);
    }
    if (c?.gpuCount !== undefined && c.gpuResource === undefined) {
        problems.push(`${where}: gpuCount is set but gpuResource is not: name the resource, e.g. "gpuResource": "nvidia.com/gpu".`);
    }
    return problems;
}

function checkPlacement(where: string, c: Partial<WorkspaceClass>): string[] {
    const problems: string[] = [];
    if (c?.requests !== undefined) {
        if (typeof c.requests !== 'object' || c.requests === null) {
            problems.push(`${where}: requests must be an object such as { "cpu": "500m", "memory": "1Gi" }.`);
        } else {
            if (c.requests.cpu !== undefined && (typeof c.requests.cpu !== 'string' || !CPU.test(c.requests.cpu))) {
                problems.push(`${where}: requests.cpu must be a quantity such as "500m".`);
            }
            if (c.requests.memory !== undefined && (typeof c.requests.memory !== 'string' || !QUANTITY.test(c.requests.memory))) {
                problems.push(`${where}: requests.memory must be a quantity such as "1Gi".`);
            }
        }
    }
    if (c?.nodeSelector !== undefined && (typeof c.nodeSelector !== 'object' || c.nodeSelector === null
        || Object.entries(c.nodeSelector).some(([k, v]) => !LABEL_KEY.test(k) || typeof v !== 'string'))) {
        problems.push(`${where}: nodeSelector must map node label names to values, e.g. { "nvidia.com/gpu.present": "true" }.`);
    }
    if (c?.tolerations !== undefined && (!Array.isArray(c.tolerations) || c.tolerations.some(t => typeof t !== 'object' || t === null
        || (t.operator !== undefined && !['Exists', 'Equal'].includes(t.operator))
        || (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect))))) {
        problems.push(`${where}: tolerations must be a list such as [{ "key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule" }].`);
    }
    for (const field of ['runtimeClassName', 'storageClassName'] as const) {
        if (c?.[field] !== undefined && (typeof c[field] !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(c[field]!))) {
            problems.push(`${where}: ${field} must be a Kubernetes name such as "nvidia".`);
        }
    }
    if (c?.schedulingTimeoutSeconds !== undefined && (!Number.isInteger(c.schedulingTimeoutSeconds) || c.schedulingTimeoutSeconds < 1)) {
        problems.push(`${where}: schedulingTimeoutSeconds must be a whole number of seconds, at least 1.`);
    }
    return problems;
}
