import { CredentialStore } from '../credentials/credential-store';
import { GitCredentialStore } from '../credentials/git-credentials';
import * as crypto from 'crypto';
import { explain, isAlreadyExists, isNotFound, KubeClients, Manifest } from './kube';
import { ClusterSettings } from './cluster-settings';
import { WorkspaceResourceStore } from './resource-store';
import { SecretCredentials } from './secret-credentials';
import { SecretTokenStore } from './secret-token-store';
import { TenantNamespaces } from './tenant-namespaces';
import { LABELS, MANAGED_BY, WORKSPACE_CRD } from './workspace-resource';

/** `warren serve --provider kubernetes`: which cluster, and how workspaces are placed on it. */
export interface KubernetesModeOptions {
    /** Default: the in-cluster configuration in a pod, else $KUBECONFIG or ~/.kube/config. */
    kubeconfig?: string;
    settings: ClusterSettings;
    /** Run the reconciler only while this replica holds the Lease (default true). */
    leaderElection?: boolean;
    /** This replica's name in the Lease; default host name, pid and a random suffix. */
    identity?: string;
    /** Lease timing (tests shorten it). */
    leaseSeconds?: number;
}

export const LEASE_NAME = 'warren-manager';
const KEY_SECRET = 'warren-workspace-key';

/** What cluster mode puts behind the manager's interfaces. */
export interface ClusterBackend {
    kube: KubeClients;
    namespaces: TenantNamespaces;
    store: WorkspaceResourceStore;
    tokens: SecretTokenStore;
    /** The key that signs workspace tokens and IDE secrets: one for every replica, kept in a Secret. */
    key: Buffer;
    /** The tenants' git credentials, a Secret in each tenant's namespace. */
    credentials: GitCredentialStore;
}

/**
 * Connects to the cluster and gets it ready: the Workspace CRD installed (or already there), the
 * control plane's namespace, the shared key. Fails with what is missing, naming the permission
 * when RBAC says no, before anything else starts.
 */
export async function openCluster(options: KubernetesModeOptions, heartbeatPort: () => number, log: (e: Record<string, unknown>) => void): Promise<ClusterBackend> {
    const kube = KubeClients.load(options.kubeconfig);
    const ns = options.settings.controlPlaneNamespace;
    try {
        await kube.get('/version');
    } catch (err) {
        throw explain(err, 'read its version', kube.server);
    }
    await installCrd(kube, log);
    await ensureNamespace(kube, ns);
    const key = await sharedKey(kube, ns);
    const namespaces = new TenantNamespaces(kube, options.settings, heartbeatPort);
    const store = new WorkspaceResourceStore(kube, namespaces, log);
    await store.start();
    return { kube, namespaces, store, tokens: new SecretTokenStore(kube, ns), key, credentials: new CredentialStore(new SecretCredentials(kube, namespaces)) };
}

async function installCrd(kube: KubeClients, log: (e: Record<string, unknown>) => void): Promise<void> {
    try {
        await kube.apply(WORKSPACE_CRD as Manifest);
    } catch (err) {
        // A least-privilege manager may not write CRDs: the chart installs it, and reading it is enough.
        try {
            await kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${WORKSPACE_CRD.metadata.name}`);
            log({ level: 'info', msg: 'the Workspace CRD is installed already; this manager may not update it', error: explain(err, 'apply the Workspace CRD').message });
        } catch {
            throw explain(err, `install the CustomResourceDefinition ${WORKSPACE_CRD.metadata.name}`, kube.server);
        }
    }
    // Established: the API serves Workspaces (a moment after the first install).
    for (let i = 0; i < 100; i++) {
        const crd = await kube.get<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(
            `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${WORKSPACE_CRD.metadata.name}`);
        if (crd.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) {
            return;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`The CustomResourceDefinition ${WORKSPACE_CRD.metadata.name} did not become Established within 10 s: see \`kubectl describe crd ${WORKSPACE_CRD.metadata.name}\`.`);
}

async function ensureNamespace(kube: KubeClients, name: string): Promise<void> {
    try {
        await kube.get(`/api/v1/namespaces/${name}`);
        return;
    } catch (err) {
        if (!isNotFound(err)) {
            throw explain(err, `read namespace ${name}`, kube.server);
        }
    }
    try {
        await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [LABELS.managedBy]: MANAGED_BY } } });
    } catch (err) {
        if (!isAlreadyExists(err)) {
            throw explain(err, `create namespace ${name} for the control plane`, kube.server);
        }
    }
}

/** The signing key, made by whichever replica comes first; the others read it. */
async function sharedKey(kube: KubeClients, namespace: string): Promise<Buffer> {
    const path = `/api/v1/namespaces/${namespace}/secrets/${KEY_SECRET}`;
    for (let attempt = 0; attempt < 3; attempt++) {
        try {
            const secret = await kube.get<{ data?: Record<string, string> }>(path);
            const hex = Buffer.from(secret.data?.key ?? '', 'base64').toString();
            if (/^[0-9a-f]{64,}$/.test(hex)) {
                return Buffer.from(hex, 'hex');
            }
            throw new Error(`The Secret ${namespace}/${KEY_SECRET} holds no valid key: delete it and start again (running workspaces then need a restart).`);
        } catch (err) {
            if (!isNotFound(err)) {
                throw err instanceof Error && !('code' in err) ? err : explain(err, `read the Secret ${namespace}/${KEY_SECRET}`, kube.server);
            }
        }
        try {
            await kube.create({
                apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
                metadata: { name: KEY_SECRET, namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
                data: { key: Buffer.from(crypto.randomBytes(32).toString('hex')).toString('base64') }
            });
        } catch (err) {
            if (!isAlreadyExists(err)) {
                throw explain(err, `create the Secret ${namespace}/${KEY_SECRET}`, kube.server);
            }
        }
    }
    throw new Error(`Could not read or make the Secret ${namespace}/${KEY_SECRET}.`);
}
