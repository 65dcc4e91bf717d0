import { EventEmitter } from 'events';
import { WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { WorkspaceIntent, WorkspaceRecord, WorkspaceStatus } from '../model';
import { AlreadyExistsError, WorkspaceStore, WriteResult } from '../store/workspace-store';
import { Informer } from './informer';
import { apiFailure, explain, isAlreadyExists, isNotFound, KubeClients } from './kube';
import { TenantNamespaces } from './tenant-namespaces';
import {
    ACTIVITY_ANNOTATION, FINALIZER, fromResource, GROUP, LABELS, MANAGED_BY, PLURAL, toResource, toResourceStatus, VERSION, WorkspaceResource
} from './workspace-resource';

/**
 * The Workspace custom resource as the store: the cluster is the database, so every replica of the
 * control plane reads the same workspaces. Reads come from an informer's cache; writes go to the
 * API server with the resourceVersion read, so that a write that lost a race is a conflict (read
 * again, retry), as with SQLite's versioned updates. Intent is the spec (its generation is the
 * intent's), the reconciler's view is the status subresource, and deletion is Kubernetes' own: a
 * finalizer holds the resource until the runtime and files are gone.
 */
export class WorkspaceResourceStore implements WorkspaceStore {
    protected readonly events = new EventEmitter();
    protected readonly informer: Informer<WorkspaceResource>;
    /** The last activity annotation seen per workspace. */
    protected readonly activitySeen = new Map<WorkspaceKey, string>();

    constructor(protected readonly kube: KubeClients, protected readonly namespaces: TenantNamespaces, log: (entry: Record<string, unknown>) => void) {
        this.events.setMaxListeners(0);
        this.informer = new Informer<WorkspaceResource>(kube, {
            path: `/apis/${GROUP}/${VERSION}/${PLURAL}`,
            labelSelector: `${LABELS.managedBy}=${MANAGED_BY}`,
            onEvent: (_type, r) => {
                if (r.spec?.tenant && r.metadata?.name) {
                    const key = workspaceKey({ tenant: r.spec.tenant, id: r.metadata.name });
                    const activity = r.metadata.annotations?.[ACTIVITY_ANNOTATION];
                    if (activity && this.activitySeen.get(key) !== activity) {
                        this.activitySeen.set(key, activity);
                        this.events.emit('activity', key);
                    }
                    this.events.emit('change', key);
                }
            },
            onError: err => log({ level: 'warn', msg: 'watching workspaces failed; retrying', error: err.message })
        });
    }

    /** Resolves once every workspace has been read. */
    start(): Promise<void> {
        return this.informer.start();
    }

    stop(): void {
        this.informer.stop();
    }

    async createWorkspace(record: WorkspaceRecord): Promise<void> {
        const namespace = await this.namespaces.ensureNamespace(record.tenant);
        let created: WorkspaceResource;
        try {
            created = await this.kube.custom.createNamespacedCustomObject({
                group: GROUP, version: VERSION, plural: PLURAL, namespace, body: toResource(namespace, record)
            }) as WorkspaceResource;
        } catch (err) {
            if (isAlreadyExists(err)) {
                throw new AlreadyExistsError(`Workspace "${record.id}" already exists.`);
            }
            throw explain(err, `create Workspace ${record.id} in namespace ${namespace}`, this.kube.server);
        }
        this.informer.remember(created);
        try {
            await this.writeStatus(created, record.status);
        } catch {
            // The reconciler writes a status on its first look anyway; the workspace exists.
        }
        this.changed(record);
    }

    async getWorkspace(tenant: string, id: string): Promise<WorkspaceRecord | undefined> {
        const r = this.resource(tenant, id);
        return r && fromResource(r);
    }

    async listWorkspaces(tenant?: string): Promise<WorkspaceRecord[]> {
        return this.informer.list()
            .filter(r => r.spec?.tenant && (tenant === undefined || r.spec.tenant === tenant))
            .map(fromResource)
            .sort((a, b) => a.tenant.localeCompare(b.tenant) || a.id.localeCompare(b.id));
    }

    async updateIntent(tenant: string, id: string, generation: number, intent: Partial<WorkspaceIntent>): Promise<WriteResult> {
        const r = this.resource(tenant, id);
        if (!r) {
            return 'not-found';
        }
        if ((r.metadata?.generation ?? 1) !== generation) {
            return 'conflict';
        }
        const namespace = r.metadata!.namespace!;
        try {
            if (intent.deleting) {
                // The finalizer holds it: the answer is the resource, now with its deletionTimestamp (and a newer version).
                const deleting = await this.kube.custom.deleteNamespacedCustomObject({
                    group: GROUP, version: VERSION, plural: PLURAL, namespace, name: id,
                    body: { preconditions: { resourceVersion: r.metadata!.resourceVersion } }
                }) as WorkspaceResource;
                if (deleting?.metadata?.deletionTimestamp) {
                    this.informer.remember(deleting);
                }
            } else {
                const spec = { ...r.spec };
                if (intent.desired !== undefined) {
                    spec.desired = intent.desired;
                }
                if (intent.forceStop !== undefined) {
                    spec.forceStop = intent.forceStop;
                }
                const replaced = await this.kube.custom.replaceNamespacedCustomObject({
                    group: GROUP, version: VERSION, plural: PLURAL, namespace, name: id, body: { ...r, spec }
                }) as WorkspaceResource;
                this.informer.remember(replaced);
            }
        } catch (err) {
            return this.outcome(err, `change Workspace ${id} in namespace ${namespace}`);
        }
        this.changed({ tenant, id });
        return 'ok';
    }

    async updateStatus(tenant: string, id: string, status: WorkspaceStatus): Promise<WriteResult> {
        const r = this.resource(tenant, id);
        if (!r) {
            return 'not-found';
        }
        if ((r.status?.version ?? 0) !== status.version - 1) {
            return 'conflict';
        }
        try {
            await this.writeStatus(r, status);
        } catch (err) {
            return this.outcome(err, `write the status of Workspace ${id}`);
        }
        this.changed({ tenant, id });
        return 'ok';
    }

    async removeWorkspace(tenant: string, id: string): Promise<void> {
        const r = this.resource(tenant, id);
        if (!r) {
            return;
        }
        const namespace = r.metadata!.namespace!;
        const finalizers = (r.metadata?.finalizers ?? []).filter(f => f !== FINALIZER);
        try {
            if (!r.metadata?.deletionTimestamp) {
                await this.kube.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace, name: id });
            }
            await this.kube.custom.patchNamespacedCustomObject({
                group: GROUP, version: VERSION, plural: PLURAL, namespace, name: id,
                body: [{ op: 'replace', path: '/metadata/finalizers', value: finalizers }]
            });
        } catch (err) {
            if (!isNotFound(err)) {
                throw explain(err, `remove Workspace ${id} from namespace ${namespace}`, this.kube.server);
            }
        }
        this.informer.forget(r);
        this.changed({ tenant, id });
    }

    /** The uid of a workspace's resource, which owns its pod, volume, ConfigMap and Secret. */
    uidOf(tenant: string, id: string): string | undefined {
        return this.resource(tenant, id)?.metadata?.uid;
    }

    /**
     * Activity seen by this replica (a heartbeat, the gateway's traffic), written where the replica
     * that runs the idle clock sees it: any replica may receive it, only the leader counts it.
     */
    async recordActivity(tenant: string, id: string): Promise<void> {
        const r = this.resource(tenant, id);
        if (!r) {
            return;
        }
        await this.kube.request('PATCH', `/apis/${GROUP}/${VERSION}/namespaces/${r.metadata!.namespace}/${PLURAL}/${id}`,
            { metadata: { annotations: { [ACTIVITY_ANNOTATION]: new Date().toISOString() } } }, 'application/merge-patch+json');
    }

    /** Activity another replica recorded. */
    onActivity(listener: (key: WorkspaceKey) => void): () => void {
        this.events.on('activity', listener);
        return () => this.events.off('activity', listener);
    }

    onDidChange(listener: (key: WorkspaceKey) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.off('change', listener);
    }

    protected resource(tenant: string, id: string): WorkspaceResource | undefined {
        const r = this.informer.get(this.namespaces.of(tenant), id);
        return r?.spec?.tenant === tenant ? r : undefined;
    }

    protected async writeStatus(r: WorkspaceResource, status: WorkspaceStatus): Promise<void> {
        const written = await this.kube.custom.replaceNamespacedCustomObjectStatus({
            group: GROUP, version: VERSION, plural: PLURAL, namespace: r.metadata!.namespace!, name: r.metadata!.name!,
            body: { ...r, status: toResourceStatus(status) }
        }) as WorkspaceResource;
        this.informer.remember(written);
    }

    protected outcome(err: unknown, doing: string): WriteResult {
        if (apiFailure(err).code === 409) {
            return 'conflict';
        }
        if (isNotFound(err)) {
            return 'not-found';
        }
        throw explain(err, doing, this.kube.server);
    }

    protected changed(ref: { tenant: string; id: string }): void {
        this.events.emit('change', workspaceKey(ref));
    }
}
