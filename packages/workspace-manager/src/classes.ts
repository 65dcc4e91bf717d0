import { DNS_LABEL } from '@warren/workspace-api';

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
}

export const DEFAULT_CLASSES: WorkspaceClass[] = [
    { name: 'small', description: '2 CPUs, 4 GiB memory, 10 GiB disk', cpu: '2', memory: '4Gi', disk: '10Gi' },
    { name: 'large', description: '4 CPUs, 16 GiB memory, 50 GiB disk', cpu: '4', memory: '16Gi', disk: '50Gi' }
];

const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/;

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
        for (const field of ['cpu', 'memory', 'disk'] as const) {
            if (typeof c?.[field] !== 'string' || !QUANTITY.test(c[field] as string)) {
                problems.push(`${where}: ${field} must be a quantity such as "2", "4Gi" or "512Mi".`);
            }
        }
        if (c?.gpuResource !== undefined && (typeof c.gpuResource !== 'string' || !/^[a-z0-9.-]+\/[a-z0-9.-]+$/.test(c.gpuResource))) {
            problems.push(`${where}: gpuResource must be a resource name such as "nvidia.com/gpu".`);
        }
        if (c?.gpuCount !== undefined && (!Number.isInteger(c.gpuCount) || c.gpuCount < 0)) {
            problems.push(`${where}: gpuCount must be a whole number.`);
        }
    });
    return problems;
}
