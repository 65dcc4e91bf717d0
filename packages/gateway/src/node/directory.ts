import * as grpc from '@grpc/grpc-js';
import { GitCredentialsView, SourceSpec, toView, WatchMessage, WorkspaceClassMessage, WorkspaceClient, WorkspaceKey, workspaceKey, WorkspaceView } from '@warren/workspace-api';

export { WorkspaceView };
export type ClassView = WorkspaceClassMessage;

export type ChangeListener = (ws: WorkspaceView, deleted: boolean) => void;

/**
 * What the gateway needs of the workspace manager: a live view of every workspace for routing and
 * the dashboard, the calls the dashboard makes on a tenant's behalf, and activity to report.
 */
export interface WorkspaceDirectory {
    get(tenant: string, id: string): WorkspaceView | undefined;
    list(tenant?: string): WorkspaceView[];
    onChange(listener: ChangeListener): () => void;
    classes(): Promise<ClassView[]>;
    create(tenant: string, request: { id: string; name: string; className: string; source?: SourceSpec }): Promise<WorkspaceView>;
    /** The tenant's git hosts with a token, and its SSH public key (made on first use). */
    gitCredentials(tenant: string): Promise<GitCredentialsView>;
    addGitCredential(tenant: string, request: { host: string; username: string; token: string }): Promise<void>;
    removeGitCredential(tenant: string, host: string): Promise<void>;
    start(tenant: string, id: string): Promise<WorkspaceView>;
    /** force: stop even if some editors cannot be saved. */
    stop(tenant: string, id: string, force?: boolean): Promise<WorkspaceView>;
    remove(tenant: string, id: string): Promise<WorkspaceView>;
    /** Someone used the workspace (a proxied request): the manager's idle clock starts again. */
    reportActivity(tenant: string, id: string): void;
}

/** Activity is reported at most this often per workspace: the idle clock counts in minutes. */
const ACTIVITY_REPORT_MS = 5_000;

/**
 * The directory over the manager's gRPC API, with an admin token that names the tenant on every
 * call. WatchWorkspaces keeps the cache current; after a broken stream it lists again and goes on.
 */
export class ManagerDirectory implements WorkspaceDirectory {
    protected readonly cache = new Map<string, WorkspaceView>();
    /**
     * The creation time of each deleted workspace: an answer or list that was on its way while the
     * workspace went must not bring it back. A new workspace with the same id has another creation time.
     */
    protected readonly tombstones = new Map<string, string>();
    protected readonly listeners = new Set<ChangeListener>();
    protected readonly client: WorkspaceClient;
    protected readonly reported = new Map<WorkspaceKey, number>();
    protected stream?: grpc.ClientReadableStream<WatchMessage>;
    protected retry?: NodeJS.Timeout;
    protected closed = false;

    constructor(address: string, token: string, protected readonly log: (entry: Record<string, unknown>) => void) {
        this.client = new WorkspaceClient(address, token);
    }

    /** Resolves once the cache holds every workspace. */
    async open(): Promise<void> {
        await this.resync();
    }

    close(): void {
        this.closed = true;
        clearTimeout(this.retry);
        this.stream?.cancel();
        this.client.close();
    }

    get(tenant: string, id: string): WorkspaceView | undefined {
        return this.cache.get(workspaceKey({ tenant, id }));
    }

    list(tenant?: string): WorkspaceView[] {
        return [...this.cache.values()].filter(ws => tenant === undefined || ws.tenant === tenant)
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    }

    onChange(listener: ChangeListener): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    async classes(): Promise<ClassView[]> {
        return this.client.listWorkspaceClasses();
    }

    create(tenant: string, request: { id: string; name: string; className: string; source?: SourceSpec }): Promise<WorkspaceView> {
        const { source, ...rest } = request;
        return this.applied(this.client.createWorkspace({
            tenant, ...rest, source: source?.kind === 'git' ? { git: { url: source.url, ref: source.ref, folder: source.folder } } : { template: {} }
        }));
    }

    async gitCredentials(tenant: string): Promise<GitCredentialsView> {
        const [credentials, key] = await Promise.all([this.client.listGitCredentials(tenant), this.client.getSshPublicKey(tenant)]);
        return { credentials, sshPublicKey: key.publicKey, sshFingerprint: key.fingerprint };
    }

    async addGitCredential(tenant: string, request: { host: string; username: string; token: string }): Promise<void> {
        await this.client.addGitCredential({ tenant, ...request });
    }

    async removeGitCredential(tenant: string, host: string): Promise<void> {
        await this.client.removeGitCredential(host, tenant);
    }

    start(tenant: string, id: string): Promise<WorkspaceView> {
        return this.applied(this.client.startWorkspace({ tenant, id }));
    }

    stop(tenant: string, id: string, force = false): Promise<WorkspaceView> {
        return this.applied(this.client.stopWorkspace({ tenant, id, force }));
    }

    remove(tenant: string, id: string): Promise<WorkspaceView> {
        return this.applied(this.client.deleteWorkspace({ tenant, id }));
    }

    reportActivity(tenant: string, id: string): void {
        const key = workspaceKey({ tenant, id });
        const now = Date.now();
        if (now - (this.reported.get(key) ?? 0) < ACTIVITY_REPORT_MS) {
            return;
        }
        this.reported.set(key, now);
        this.client.reportActivity({ tenant, id }).catch(err =>
            this.log({ level: 'warn', msg: 'could not report activity', tenant, workspace: id, error: (err as Error).message }));
    }

    protected async applied(call: Promise<WatchMessage['workspace']>): Promise<WorkspaceView> {
        const view = toView((await call)!);
        this.apply(view, false);
        return view;
    }

    /** Takes a change unless the cache already has a newer one of the same workspace. */
    protected apply(view: WorkspaceView, deleted: boolean): void {
        const key = workspaceKey(view);
        const known = this.cache.get(key);
        const tombstone = this.tombstones.get(key);
        if (!deleted && ((known && known.version > view.version) || tombstone === view.createdAt)) {
            return;
        }
        if (deleted) {
            this.tombstones.set(key, view.createdAt);
            this.cache.delete(key);
            this.reported.delete(key);
        } else {
            this.tombstones.delete(key);
            this.cache.set(key, view);
        }
        this.listeners.forEach(listener => listener(view, deleted));
    }

    protected async resync(): Promise<void> {
        const touched = new Set<string>();
        const stream = this.client.watchWorkspaces({ initial: false });
        this.stream = stream;
        stream.on('data', (m: WatchMessage) => {
            if (m.workspace) {
                touched.add(workspaceKey(m.workspace));
                this.apply(toView(m.workspace), m.deleted);
            }
        });
        stream.on('error', (err: grpc.ServiceError) => {
            if (this.closed || err.code === grpc.status.CANCELLED) {
                return;
            }
            this.log({ level: 'warn', msg: 'workspace watch broke; reconnecting', error: err.details });
            this.retry = setTimeout(() => this.resync().catch(e => this.log({ level: 'warn', msg: 'resync failed', error: (e as Error).message })), 1_000);
        });
        const listed = (await this.client.listWorkspaces()).map(toView);
        const present = new Set<string>(listed.map(workspaceKey));
        for (const [key, ws] of this.cache) {
            if (!present.has(key) && !touched.has(key)) {
                this.apply(ws, true);
            }
        }
        listed.forEach(ws => this.apply(ws, false));
    }
}
