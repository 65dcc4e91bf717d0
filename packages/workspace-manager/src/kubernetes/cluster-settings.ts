import * as k8s from '@kubernetes/client-node';
import { tenantProblem } from '@warren/workspace-api';

/** A tenant's share of the cluster, enforced by a ResourceQuota in its namespace. Absent fields are not limited. */
export interface TenantQuota {
    /** CPU cores over all its workspaces, e.g. "8" (requests and limits). */
    cpu?: string;
    /** Memory over all its workspaces, e.g. "32Gi". */
    memory?: string;
    /** GPUs by resource name, e.g. { "nvidia.com/gpu": 1, "nvidia.com/mig-1g.10gb": 2 }: whole devices. */
    gpus?: Record<string, number>;
    /** How many workspace volumes it may have. */
    volumes?: number;
    /** Their total size, e.g. "200Gi". */
    storage?: string;
    /** How many workspaces may run at once. */
    running?: number;
}

/** How cluster mode places workspaces: the admin's configuration (the Helm chart writes it; `--cluster-config FILE`). */
export interface ClusterSettings {
    /** A tenant's namespace is this prefix and the tenant's name. */
    namespacePrefix: string;
    /** Where the control plane runs and keeps its Lease and API tokens. */
    controlPlaneNamespace: string;
    /** The workspace image (a digest is best). */
    image: string;
    imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
    /** For workspace volumes when the class names none; absent: the cluster's default StorageClass. */
    storageClassName?: string;
    /** Who may reach the IDEs (the gateway) and receive their heartbeats: NetworkPolicy peers. */
    controlPlanePeers: k8s.V1NetworkPolicyPeer[];
    /** Where workspaces may connect besides DNS and the control plane (the module proxy, git hosts). */
    egressAllowlist: k8s.V1NetworkPolicyEgressRule[];
    /** The Go environment every workspace gets (GOPROXY, GOPRIVATE, GONOSUMDB, GOFLAGS); a workspace's own settings win. */
    goEnv: Record<string, string>;
    /** The quota of a tenant not listed in `tenants`. */
    defaultQuota: TenantQuota;
    tenants: Record<string, TenantQuota>;
    /** Where the manager listens for heartbeats (host:port), and the URL pods send them to; default http://<listen>. */
    heartbeatListen: string;
    heartbeatUrl?: string;
    /** Extra labels and tolerations for every workspace pod, e.g. to keep them on a node pool. */
    nodeSelector?: Record<string, string>;
    tolerations?: k8s.V1Toleration[];
}

export const DEFAULT_CLUSTER_SETTINGS: Omit<ClusterSettings, 'image'> = {
    namespacePrefix: 'warren-',
    controlPlaneNamespace: 'warren-system',
    imagePullPolicy: 'IfNotPresent',
    controlPlanePeers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'warren-system' } } }],
    egressAllowlist: [],
    goEnv: { GOPROXY: 'https://proxy.golang.org,direct' },
    defaultQuota: { running: 4, volumes: 10, storage: '200Gi' },
    tenants: {},
    heartbeatListen: '0.0.0.0:7082'
};

const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/;
const RESOURCE = /^[a-z0-9.-]+\/[a-z0-9.-]+$/;
const PREFIX = /^[a-z]([-a-z0-9]{0,20})?-$/;

/**
 * Reads cluster settings over the defaults and lists every problem at once, each naming the field
 * and what would be right, so that a bad configuration fails at start and never half-applies.
 */
export function parseClusterSettings(raw: unknown, image?: string): { settings?: ClusterSettings; problems: string[] } {
    const problems: string[] = [];
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
        return { problems: ['the cluster settings must be a JSON object.'] };
    }
    const given = (raw ?? {}) as Record<string, unknown>;
    const known = new Set([...Object.keys(DEFAULT_CLUSTER_SETTINGS), 'image', 'storageClassName', 'heartbeatUrl', 'nodeSelector', 'tolerations']);
    for (const key of Object.keys(given)) {
        if (!known.has(key)) {
            problems.push(`${key}: not a setting (known: ${[...known].sort().join(', ')}).`);
        }
    }
    const s = { ...DEFAULT_CLUSTER_SETTINGS, ...given } as ClusterSettings;
    if (image) {
        s.image = image;
    }
    if (given.controlPlaneNamespace && !given.controlPlanePeers) {
        s.controlPlanePeers = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': String(given.controlPlaneNamespace) } } }];
    }
    if (typeof s.image !== 'string' || !s.image) {
        problems.push('image: the workspace image is required (e.g. "ghcr.io/acme/warren-workspace@sha256:..."): set it, or pass --workspace-image.');
    }
    if (typeof s.namespacePrefix !== 'string' || !PREFIX.test(s.namespacePrefix)) {
        problems.push('namespacePrefix: must be a short DNS label prefix ending in "-", such as "warren-".');
    }
    if (typeof s.controlPlaneNamespace !== 'string' || !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s.controlPlaneNamespace)) {
        problems.push('controlPlaneNamespace: must be a namespace name such as "warren-system".');
    }
    if (!['Always', 'IfNotPresent', 'Never'].includes(s.imagePullPolicy)) {
        problems.push('imagePullPolicy: must be Always, IfNotPresent or Never.');
    }
    if (!Array.isArray(s.controlPlanePeers) || s.controlPlanePeers.length === 0) {
        problems.push('controlPlanePeers: must list at least one NetworkPolicy peer (where the gateway runs), or IDEs are unreachable.');
    }
    if (!Array.isArray(s.egressAllowlist)) {
        problems.push('egressAllowlist: must be a list of NetworkPolicy egress rules ({ to: [...], ports: [...] }).');
    }
    if (typeof s.goEnv !== 'object' || s.goEnv === null || Object.entries(s.goEnv).some(([k, v]) => !/^GO[A-Z0-9_]*$/.test(k) || typeof v !== 'string')) {
        problems.push('goEnv: must map Go variables (GOPROXY, GOPRIVATE, GONOSUMDB, GOFLAGS) to strings.');
    }
    if (typeof s.heartbeatListen !== 'string' || !/^[^\s:]+:\d{1,5}$/.test(s.heartbeatListen)) {
        problems.push('heartbeatListen: must be host:port, such as "0.0.0.0:7082".');
    } else if (/^(0\.0\.0\.0|::):/.test(s.heartbeatListen) && !s.heartbeatUrl) {
        problems.push(`heartbeatUrl: required when heartbeatListen (${s.heartbeatListen}) is every address: the URL pods send heartbeats to, such as "http://warren.warren-system.svc:7082".`);
    }
    if (s.heartbeatUrl !== undefined && (typeof s.heartbeatUrl !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(s.heartbeatUrl))) {
        problems.push('heartbeatUrl: must be an http(s) URL with no path, such as "http://warren.warren-system.svc:7082".');
    }
    problems.push(...checkQuota('defaultQuota', s.defaultQuota));
    if (typeof s.tenants !== 'object' || s.tenants === null) {
        problems.push('tenants: must map tenant names to quotas.');
    } else {
        for (const [tenant, quota] of Object.entries(s.tenants)) {
            const bad = tenantProblem(tenant);
            if (bad) {
                problems.push(`tenants.${tenant}: ${bad}`);
            }
            problems.push(...checkQuota(`tenants.${tenant}`, quota));
        }
    }
    return problems.length ? { problems } : { settings: s, problems };
}

function checkQuota(where: string, q: TenantQuota | undefined): string[] {
    if (typeof q !== 'object' || q === null) {
        return [`${where}: must be an object such as { "cpu": "8", "memory": "32Gi", "gpus": { "nvidia.com/gpu": 1 } }.`];
    }
    const problems: string[] = [];
    for (const field of ['cpu', 'memory', 'storage'] as const) {
        if (q[field] !== undefined && (typeof q[field] !== 'string' || !QUANTITY.test(q[field]!))) {
            problems.push(`${where}.${field}: must be a quantity such as "8", "500m" or "32Gi".`);
        }
    }
    for (const field of ['volumes', 'running'] as const) {
        if (q[field] !== undefined && (!Number.isInteger(q[field]) || q[field]! < 0)) {
            problems.push(`${where}.${field}: must be a whole number.`);
        }
    }
    for (const [resource, count] of Object.entries(q.gpus ?? {})) {
        if (!RESOURCE.test(resource)) {
            problems.push(`${where}.gpus: "${resource}" is not a resource name such as "nvidia.com/gpu".`);
        }
        if (!Number.isInteger(count) || count < 0) {
            problems.push(`${where}.gpus["${resource}"]: must be a whole number of devices (a GPU cannot be shared in parts), not ${JSON.stringify(count)}.`);
        }
    }
    return problems;
}

/** The quota of one tenant. */
export function quotaOf(settings: ClusterSettings, tenant: string): TenantQuota {
    return settings.tenants[tenant] ?? settings.defaultQuota;
}
