import { ClusterSettings, quotaOf, TenantQuota } from './cluster-settings';
import { explain, isAlreadyExists, KubeClients, Manifest } from './kube';
import { LABELS, MANAGED_BY, tenantNamespace } from './workspace-resource';

/** The port every workspace IDE listens on inside its pod (the workspace image's contract, doc/images.md). */
export const IDE_PORT = 3000;

/**
 * One namespace per tenant, and what makes it a tenant's: Pod Security "restricted" enforced, a
 * NetworkPolicy that denies everything but the gateway coming in and DNS, the control plane's
 * heartbeats and the admin's allowlist going out, and a ResourceQuota and LimitRange from the
 * tenant's quota. Applied server-side with one field manager, so that it can be run any number of times.
 */
export class TenantNamespaces {
    /** Tenants whose namespace was applied by this process, with the settings it was applied from. */
    protected readonly applied = new Map<string, string>();
    /** Namespaces known to exist. */
    protected readonly made = new Set<string>();

    constructor(protected readonly kube: KubeClients, protected readonly settings: ClusterSettings, protected readonly heartbeatPort: () => number) { }

    of(tenant: string): string {
        return tenantNamespace(this.settings.namespacePrefix, tenant);
    }

    /** The namespace alone, created if missing: what a Workspace needs to be stored. */
    async ensureNamespace(tenant: string): Promise<string> {
        const name = this.of(tenant);
        if (this.made.has(name)) {
            return name;
        }
        try {
            await this.kube.create(namespaceManifest(name, tenant));
        } catch (err) {
            if (!isAlreadyExists(err)) {
                throw explain(err, `create namespace ${name} for tenant ${tenant}`, this.kube.server);
            }
        }
        this.made.add(name);
        return name;
    }

    /** The namespace with its policies and quota, converged to the settings (once per process unless they changed). */
    async ensure(tenant: string): Promise<string> {
        const name = this.of(tenant);
        const objects = tenantObjects(this.settings, tenant, name, this.heartbeatPort());
        const fingerprint = JSON.stringify(objects);
        if (this.applied.get(tenant) === fingerprint) {
            return name;
        }
        for (const object of objects) {
            try {
                await this.kube.apply(object);
            } catch (err) {
                throw explain(err, `apply ${object.kind} ${object.metadata?.name} in namespace ${name}`, this.kube.server);
            }
        }
        if (objects.some(o => o.kind === 'ResourceQuota')) {
            await this.quotaCounted(name);
        }
        this.applied.set(tenant, fingerprint);
        return name;
    }

    /** Pods are refused ("status unknown for quota") until the quota controller has counted a new quota: wait for it. */
    protected async quotaCounted(namespace: string): Promise<void> {
        for (let i = 0; i < 100; i++) {
            const quota = await this.kube.get<{ spec?: { hard?: object }; status?: { hard?: object } }>(`/api/v1/namespaces/${namespace}/resourcequotas/warren-tenant`);
            if (JSON.stringify(quota.status?.hard ?? {}) !== '{}' && Object.keys(quota.status?.hard ?? {}).length === Object.keys(quota.spec?.hard ?? {}).length) {
                return;
            }
            await new Promise(resolve => setTimeout(resolve, 100));
        }
        throw new Error(`The ResourceQuota of namespace ${namespace} was not counted within 10 s: is kube-controller-manager running?`);
    }
}

function namespaceManifest(name: string, tenant: string): Manifest {
    return {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
            name,
            labels: {
                [LABELS.managedBy]: MANAGED_BY,
                [LABELS.tenant]: tenant,
                'pod-security.kubernetes.io/enforce': 'restricted',
                'pod-security.kubernetes.io/enforce-version': 'latest',
                'pod-security.kubernetes.io/warn': 'restricted',
                'pod-security.kubernetes.io/audit': 'restricted'
            }
        }
    };
}

/** Every object of a tenant's namespace, as pure data (unit-tested, and what `ensure` applies). */
export function tenantObjects(settings: ClusterSettings, tenant: string, namespace: string, heartbeatPort: number): Manifest[] {
    const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.tenant]: tenant };
    const quota = quotaOf(settings, tenant);
    const policy = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'warren-workspaces', namespace, labels },
        spec: {
            podSelector: {},
            policyTypes: ['Ingress', 'Egress'],
            ingress: [{ from: settings.controlPlanePeers, ports: [{ protocol: 'TCP', port: IDE_PORT }] }],
            egress: [
                { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
                { to: settings.controlPlanePeers, ports: [{ protocol: 'TCP', port: heartbeatPort }] },
                ...settings.egressAllowlist
            ]
        }
    };
    const objects: Manifest[] = [namespaceManifest(namespace, tenant), policy];
    const hard = quotaHard(quota);
    if (Object.keys(hard).length) {
        objects.push({
            apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'warren-tenant', namespace, labels }, spec: { hard }
        });
    }
    const limits: Array<Record<string, unknown>> = [{
        type: 'Container',
        // What a container that names no resources gets: the quota counts every pod, so every pod needs some.
        defaultRequest: { cpu: '100m', memory: '256Mi' },
        default: { cpu: '1', memory: '2Gi' },
        ...(quota.cpu || quota.memory ? { max: { ...(quota.cpu ? { cpu: quota.cpu } : {}), ...(quota.memory ? { memory: quota.memory } : {}) } } : {})
    }];
    if (quota.storage) {
        limits.push({ type: 'PersistentVolumeClaim', max: { storage: quota.storage } });
    }
    objects.push({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'warren-tenant', namespace, labels }, spec: { limits } });
    return objects;
}

/** A tenant quota as ResourceQuota hard limits. */
export function quotaHard(q: TenantQuota): Record<string, string> {
    const hard: Record<string, string> = {};
    if (q.cpu) {
        hard['requests.cpu'] = q.cpu;
        hard['limits.cpu'] = q.cpu;
    }
    if (q.memory) {
        hard['requests.memory'] = q.memory;
        hard['limits.memory'] = q.memory;
    }
    for (const [resource, count] of Object.entries(q.gpus ?? {})) {
        hard[`requests.${resource}`] = String(count);
    }
    if (q.volumes !== undefined) {
        hard.persistentvolumeclaims = String(q.volumes);
    }
    if (q.storage) {
        hard['requests.storage'] = q.storage;
    }
    if (q.running !== undefined) {
        hard.pods = String(q.running);
    }
    return hard;
}
