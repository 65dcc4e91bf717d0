import * as k8s from '@kubernetes/client-node';
import { EventEmitter } from 'events';
import { gitRemoteOf, IDE_IDENTITY_PATH, IDE_NONCE_HEADER, WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { ideProvesIdentity } from '@warren/ide-launcher';
import { WorkspaceClass } from '../classes';
import { Observation } from '../lifecycle/phase';
import { WorkspaceRecord } from '../model';
import { Provider, RuntimeFacts, WorkspaceRef } from '../providers/provider';
import { ClusterSettings } from './cluster-settings';
import { Informer } from './informer';
import { apiFailure, explain, isAlreadyExists, isNotFound, KubeClients } from './kube';
import { observePod } from './pod-observation';
import { TenantNamespaces } from './tenant-namespaces';
import { LABELS, MANAGED_BY } from './workspace-resource';
import {
    CLONE_CONTAINER, configName, podName, secretName, volumeName, WorkspaceContext, workspaceConfig, workspacePod, workspaceSecret, workspaceVolume
} from './workspace-objects';

/** How often a running clone's log is read for its latest progress line. */
const CLONE_PROGRESS_MS = 2_000;

export interface KubernetesProviderOptions {
    kube: KubeClients;
    settings: ClusterSettings;
    namespaces: TenantNamespaces;
    classes: Map<string, WorkspaceClass>;
    /** The uid of the workspace's Workspace resource, which owns everything made for it. */
    ownerUid(ws: WorkspaceRef): string | undefined;
    ideSecret(ws: WorkspaceRef): string;
    token(ws: WorkspaceRef): string;
    /** Where the pod's IDE sends heartbeats. */
    activityUrl(): string;
    heartbeatSeconds: number;
    /** Whether the tenant has a git token for a host: a refused clone's message says which fix applies. */
    hasGitCredential?(tenant: string, host: string): Promise<boolean>;
    log(entry: Record<string, unknown>): void;
}

/**
 * Workspaces as pods on a Kubernetes cluster: per workspace a bare Pod, a volume for its home, a
 * ConfigMap and a Secret, all owned by its Workspace resource, in its tenant's namespace. What it
 * reports comes from informers (pods, volumes, nodes), never from a call per look. Every action is
 * safe to repeat: names are deterministic, AlreadyExists is success, and objects are server-side
 * applied with one field manager. Stopping deletes the pod; the volume stays.
 */
export class KubernetesProvider implements Provider {
    readonly name = 'kubernetes';
    protected readonly events = new EventEmitter();
    protected readonly pods: Informer<k8s.V1Pod>;
    protected readonly volumes: Informer<k8s.V1PersistentVolumeClaim>;
    protected readonly nodes: Informer<k8s.V1Node>;
    protected readonly warnings: Informer<k8s.CoreV1Event>;
    /** Pods whose IDE proved its identity, by pod uid. */
    protected readonly proven = new Set<string>();
    /** The latest warning event about each pod, by pod uid. */
    protected readonly latestWarnings = new Map<string, k8s.CoreV1Event>();
    /** Each namespace's tenant, as its pods' labels say (namespace names may be shortened). */
    protected readonly tenants = new Map<string, string>();
    /** When each pod's identity was last asked for, by pod uid. */
    protected readonly probed = new Map<string, { at: number; tries: number }>();
    /** Secrets and ConfigMaps applied by this process, with what was applied (skip re-applying the same). */
    protected readonly applied = new Map<string, string>();
    /** Each cloning pod's latest progress line and when its log was last read, by pod uid. */
    protected readonly cloneProgress = new Map<string, { line?: string; at: number }>();
    /** Cleared when the manager may not read pods' logs (pods/log): progress is then not shown, nothing else changes. */
    protected readsCloneLogs = true;

    constructor(protected readonly options: KubernetesProviderOptions) {
        const { kube, log } = options;
        const selector = `${LABELS.managedBy}=${MANAGED_BY}`;
        const changed = (o: k8s.KubernetesObject): void => {
            const tenant = o.metadata?.labels?.[LABELS.tenant];
            const id = o.metadata?.labels?.[LABELS.workspace];
            if (tenant && id) {
                this.events.emit('change', tenant, id);
            }
        };
        const warn = (what: string) => (err: Error): void => log({ level: 'warn', msg: `watching ${what} failed; retrying`, error: err.message });
        this.pods = new Informer(kube, {
            path: '/api/v1/pods', labelSelector: selector,
            onEvent: (type, pod) => {
                if (type === 'deleted' && pod.metadata?.uid) {
                    this.proven.delete(pod.metadata.uid);
                    this.probed.delete(pod.metadata.uid);
                    this.latestWarnings.delete(pod.metadata.uid);
                    this.cloneProgress.delete(pod.metadata.uid);
                }
                const tenant = pod.metadata?.labels?.[LABELS.tenant];
                if (tenant && pod.metadata?.namespace) {
                    this.tenants.set(pod.metadata.namespace, tenant);
                }
                changed(pod);
            },
            onError: warn('pods')
        });
        this.volumes = new Informer(kube, {
            path: '/api/v1/persistentvolumeclaims', labelSelector: selector, onEvent: (_t, pvc) => changed(pvc), onError: warn('volumes')
        });
        // Nodes say how many GPU nodes exist and which GPU a pod got; the messages need them, nothing else does.
        this.nodes = new Informer(kube, { path: '/api/v1/nodes', onEvent: () => undefined, onError: warn('nodes') });
        // Warnings about pods (a volume that does not mount, a sandbox that cannot start): what the status shows while a start waits.
        this.warnings = new Informer(kube, {
            path: '/api/v1/events', fieldSelector: 'type=Warning,involvedObject.kind=Pod',
            onEvent: (type, e) => {
                const uid = e.involvedObject?.uid;
                if (!uid || !e.involvedObject?.name?.startsWith('ws-') || e.reason === 'FailedScheduling') {
                    return; // not a workspace's pod; the scheduler's words are in the pod's condition already
                }
                const known = this.latestWarnings.get(uid);
                if (type === 'deleted') {
                    if (known?.metadata?.uid === e.metadata?.uid) {
                        this.latestWarnings.delete(uid);
                    }
                } else if (!known || eventTime(e) >= eventTime(known)) {
                    this.latestWarnings.set(uid, e);
                }
                const tenant = this.tenants.get(e.involvedObject.namespace ?? '');
                if (tenant) {
                    this.events.emit('change', tenant, e.involvedObject.name.slice('ws-'.length));
                }
            },
            onError: warn('events')
        });
    }

    async prepare(): Promise<void> {
        await Promise.all([this.pods.start(), this.volumes.start(), this.nodes.start(), this.warnings.start()]);
    }

    async observe(ws: WorkspaceRecord): Promise<Observation & RuntimeFacts> {
        const namespace = this.options.namespaces.of(ws.tenant);
        const pod = this.pods.get(namespace, podName(ws.id));
        const cls = this.options.classes.get(ws.className);
        const node = pod?.spec?.nodeName ? this.nodes.get(undefined, pod.spec.nodeName) : undefined;
        const view = {
            pod, volume: this.volumes.get(namespace, volumeName(ws.id)), cls, now: Date.now(),
            // Counted only for the message of a pod that waits for a node: not on every look.
            gpuNodes: cls?.gpuResource && pod && !pod.spec?.nodeName ? this.nodes.list().filter(n => Number(n.status?.allocatable?.[cls.gpuResource!] ?? 0) > 0
                && Object.entries(cls.nodeSelector ?? {}).every(([k, v]) => n.metadata?.labels?.[k] === v)).length : 0,
            gpuProduct: node?.metadata?.labels?.['nvidia.com/gpu.product'],
            identityProven: Boolean(pod?.metadata?.uid && this.proven.has(pod.metadata.uid)),
            cloneProgress: this.cloneProgressOf(ws, pod)
        };
        let obs = observePod(view);
        const warning = obs.ready ? undefined : this.latestWarning(pod);
        if (warning) {
            obs = { ...obs, notes: [...obs.notes, warning] };
        }
        const uid = pod?.metadata?.uid;
        const last = uid ? this.probed.get(uid) : undefined;
        if (obs.runtime === 'running' && !obs.ready && obs.url && uid && !view.identityProven && pod.status?.containerStatuses?.[0]?.ready
            && (!last || last.at < Date.now() - Math.min(10_000, 1_000 * 2 ** last.tries))) {
            // A probe a second at first, then less often: one that does not answer costs its timeout.
            this.probed.set(uid, { at: Date.now(), tries: (last?.tries ?? -1) + 1 });
            if (await ideProvesIdentity(obs.url, this.options.ideSecret(ws), { identity: IDE_IDENTITY_PATH, nonceHeader: IDE_NONCE_HEADER })) {
                this.probed.delete(uid);
                this.proven.add(uid);
                obs = observePod({ ...view, identityProven: true });
            }
        }
        return obs;
    }

    /** The tenant's namespace with its policies and quota, then the workspace's volume, settings and secret. */
    async ensureStorage(ws: WorkspaceRecord): Promise<void> {
        const ctx = this.context(ws);
        await this.options.namespaces.ensure(ws.tenant);
        const volume = await this.applyOnce(workspaceVolume(ctx)) as k8s.V1PersistentVolumeClaim | undefined;
        if (volume) {
            this.volumes.remember(volume);
        }
        await this.applyConfig(ctx);
    }

    async start(ws: WorkspaceRecord, cls: WorkspaceClass): Promise<void> {
        const ctx = this.context(ws, cls);
        await this.applyConfig(ctx);
        const { namespace } = ctx;
        const existing = this.pods.get(namespace, podName(ws.id));
        if (existing) {
            const phase = existing.status?.phase;
            if ((phase === 'Failed' || phase === 'Succeeded') && !existing.metadata?.deletionTimestamp) {
                await this.deletePod(namespace, ws.id, 0); // an evicted pod keeps its name: make room, the next look creates the new one
            }
            return;
        }
        try {
            this.pods.remember(await this.options.kube.create(workspacePod({ ...ctx, hasGitCredential: await this.hasGitCredential(ws) })));
        } catch (err) {
            if (isAlreadyExists(err)) {
                return;
            }
            throw this.startFailure(err, ws, namespace);
        }
    }

    async stop(ref: WorkspaceRef): Promise<void> {
        await this.deletePod(this.options.namespaces.of(ref.tenant), ref.id);
    }

    async remove(ref: WorkspaceRef): Promise<void> {
        const namespace = this.options.namespaces.of(ref.tenant);
        await this.deletePod(namespace, ref.id, 0);
        const { core } = this.options.kube;
        const gone = (p: Promise<unknown>, what: string): Promise<void> => p.then(() => undefined, err => {
            if (!isNotFound(err)) {
                throw explain(err, `delete ${what} in namespace ${namespace}`, this.options.kube.server);
            }
        });
        await gone(core.deleteNamespacedPersistentVolumeClaim({ namespace, name: volumeName(ref.id) }), `volume ${volumeName(ref.id)}`);
        await gone(core.deleteNamespacedConfigMap({ namespace, name: configName(ref.id) }), `ConfigMap ${configName(ref.id)}`);
        await gone(core.deleteNamespacedSecret({ namespace, name: secretName(ref.id) }), `Secret ${secretName(ref.id)}`);
        for (const name of [configName(ref.id), secretName(ref.id)]) {
            this.applied.delete(`${namespace}/${name}`);
        }
    }

    async list(): Promise<WorkspaceRef[]> {
        const refs = new Map<WorkspaceKey, WorkspaceRef>();
        for (const pod of this.pods.list()) {
            const tenant = pod.metadata?.labels?.[LABELS.tenant];
            const id = pod.metadata?.labels?.[LABELS.workspace];
            if (tenant && id) {
                refs.set(workspaceKey({ tenant, id }), { tenant, id });
            }
        }
        return [...refs.values()];
    }

    onDidChange(listener: (tenant: string, id: string) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.off('change', listener);
    }

    async dispose(): Promise<void> {
        this.pods.stop();
        this.volumes.stop();
        this.nodes.stop();
        this.warnings.stop();
    }

    /**
     * A running clone's latest progress line, from its init container's log (git's --progress lines, one a
     * second at most): read in the background every CLONE_PROGRESS_MS, a change told through onDidChange.
     */
    protected cloneProgressOf(ws: WorkspaceRecord, pod: k8s.V1Pod | undefined): string | undefined {
        const uid = pod?.metadata?.uid;
        const running = pod?.status?.initContainerStatuses?.find(c => c.name === CLONE_CONTAINER)?.state?.running;
        if (!uid || !running) {
            return undefined;
        }
        const known = this.cloneProgress.get(uid) ?? { at: 0 };
        if (this.readsCloneLogs && known.at < Date.now() - CLONE_PROGRESS_MS) {
            this.cloneProgress.set(uid, { ...known, at: Date.now() });
            const path = `/api/v1/namespaces/${pod.metadata!.namespace}/pods/${pod.metadata!.name}/log?container=${CLONE_CONTAINER}&tailLines=1`;
            this.options.kube.text(path).then(text => {
                const line = text.trim().split('\n').pop()?.trim().slice(0, 200) || undefined;
                const now = this.cloneProgress.get(uid);
                if (now && line && line !== now.line) {
                    this.cloneProgress.set(uid, { ...now, line });
                    this.events.emit('change', ws.tenant, ws.id);
                }
            }, err => {
                if (apiFailure(err).code === 403) {
                    this.readsCloneLogs = false;
                    this.options.log({ level: 'warn', msg: 'the manager may not read pods\' logs (pods/log): a clone\'s progress is not shown', error: apiFailure(err).message });
                }
            });
        }
        return known.line;
    }

    /** For a git source: whether the tenant has a token for its host (asked when the pod is made, for the clone's message). */
    protected async hasGitCredential(ws: WorkspaceRecord): Promise<boolean> {
        if (ws.source.kind !== 'git' || !this.options.hasGitCredential) {
            return false;
        }
        const host = gitRemoteOf(ws.source.url)?.host;
        return host ? this.options.hasGitCredential(ws.tenant, host).catch(() => false) : false;
    }

    /** The latest warning about a pod, other than the scheduler's (its condition says that), while it is not ready. */
    protected latestWarning(pod: k8s.V1Pod | undefined): string | undefined {
        if (!pod?.metadata?.uid) {
            return undefined;
        }
        const latest = this.latestWarnings.get(pod.metadata.uid);
        return latest ? `Warning: ${latest.reason}: ${latest.message ?? ''}`.trim() : undefined;
    }

    protected context(ws: WorkspaceRecord, cls?: WorkspaceClass): WorkspaceContext {
        const ownerUid = this.options.ownerUid(ws);
        if (!ownerUid) {
            throw new Error(`Workspace ${ws.tenant}/${ws.id} has no Workspace resource to own its pod; it is being created or was deleted.`);
        }
        const found = cls ?? this.options.classes.get(ws.className);
        if (!found) {
            throw new Error(`The workspace class "${ws.className}" no longer exists: ask an admin, or create the workspace again with another class.`);
        }
        return {
            ws, cls: found, settings: this.options.settings, namespace: this.options.namespaces.of(ws.tenant), ownerUid,
            activityUrl: this.options.activityUrl(), heartbeatSeconds: this.options.heartbeatSeconds
        };
    }

    protected async applyConfig(ctx: WorkspaceContext): Promise<void> {
        await this.applyOnce(workspaceConfig(ctx));
        const secret = workspaceSecret(ctx, this.options.ideSecret(ctx.ws), this.options.token(ctx.ws));
        // Applied as data: server-side apply of stringData would make Warren own a field the API server rewrites.
        secret.data = Object.fromEntries(Object.entries(secret.stringData!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
        delete secret.stringData;
        await this.applyOnce(secret);
    }

    /** Server-side apply, skipped when this process applied the very same object before. */
    protected async applyOnce(object: k8s.KubernetesObject): Promise<k8s.KubernetesObject | undefined> {
        const key = `${object.metadata?.namespace}/${object.metadata?.name}/${object.kind}`;
        const fingerprint = JSON.stringify(object);
        if (this.applied.get(key) === fingerprint) {
            return undefined;
        }
        try {
            const result = await this.options.kube.apply(object);
            this.applied.set(key, fingerprint);
            return result;
        } catch (err) {
            throw explain(err, `apply ${object.kind} ${object.metadata?.name} in namespace ${object.metadata?.namespace}`, this.options.kube.server);
        }
    }

    protected async deletePod(namespace: string, id: string, gracePeriodSeconds?: number): Promise<void> {
        try {
            const query = gracePeriodSeconds === undefined ? '' : `?gracePeriodSeconds=${gracePeriodSeconds}`;
            const answer = await this.options.kube.request<k8s.V1Pod>('DELETE', `/api/v1/namespaces/${namespace}/pods/${podName(id)}${query}`);
            // The pod as the deletion left it (terminating; a Status when it went at once): the next look must not
            // take it for a running IDE and stop it again.
            if (answer?.kind === 'Pod' && answer.metadata?.deletionTimestamp) {
                this.pods.remember(answer);
            }
        } catch (err) {
            if (!isNotFound(err)) {
                throw explain(err, `delete pod ${podName(id)} in namespace ${namespace}`, this.options.kube.server);
            }
        }
    }

    /** A refused pod, in words: a quota with its numbers, Pod Security with what it objected to. */
    protected startFailure(err: unknown, ws: WorkspaceRecord, namespace: string): Error {
        const f = apiFailure(err);
        const quota = /exceeded quota: [^,]+, (requested: .*)$/.exec(f.message);
        if (f.code === 403 && quota) {
            return new Error(`Quota exceeded for tenant ${ws.tenant}: ${quota[1].replace(/, (used|limited):/g, '; $1:')}. `
                + 'Stop or delete another of its workspaces, or ask an admin for a larger quota.');
        }
        if (f.code === 403 && /violates PodSecurity/.test(f.message)) {
            return new Error(`The cluster's Pod Security refused the workspace's pod: ${f.message}`);
        }
        return explain(err, `create pod ${podName(ws.id)} in namespace ${namespace}`, this.options.kube.server);
    }
}

function eventTime(e: k8s.CoreV1Event): number {
    return Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '')) || 0;
}
