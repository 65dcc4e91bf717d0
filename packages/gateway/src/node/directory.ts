import * as grpc from '@grpc/grpc-js';
import { connect, Connection, unary } from '@warren/workspace-manager';
import { Workspace__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/Workspace';
import { WorkspaceClass__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/WorkspaceClass';

export type Phase = 'pending' | 'creating' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'deleting';

/** A workspace as the gateway uses it: the manager's message with plain enum names. */
export interface WorkspaceView {
    tenant: string;
    id: string;
    name: string;
    className: string;
    desiredState: 'running' | 'stopped';
    phase: Phase;
    version: number;
    failureReason: string;
    conditions: string[];
    createdAt: string;
    updatedAt: string;
    /** Where the IDE listens, for the proxy; empty unless it runs. */
    ideUrl: string;
}

export type ClassView = WorkspaceClass__Output;

export type ChangeListener = (ws: WorkspaceView, deleted: boolean) => void;

/**
 * What the gateway needs of the workspace manager: a live view of every workspace for routing and
 * the dashboard, and the calls the dashboard makes on a tenant's behalf.
 */
export interface WorkspaceDirectory {
    get(tenant: string, id: string): WorkspaceView | undefined;
    list(tenant?: string): WorkspaceView[];
    onChange(listener: ChangeListener): () => void;
    classes(): Promise<ClassView[]>;
    create(tenant: string, request: { id: string; name: string; className: string }): Promise<WorkspaceView>;
    start(tenant: string, id: string): Promise<WorkspaceView>;
    stop(tenant: string, id: string): Promise<WorkspaceView>;
    remove(tenant: string, id: string): Promise<WorkspaceView>;
}

export function toView(m: Workspace__Output): WorkspaceView {
    const status = m.status;
    return {
        tenant: m.tenant, id: m.id, name: m.name, className: m.className,
        desiredState: m.desiredState === 'DESIRED_STATE_STOPPED' ? 'stopped' : 'running',
        phase: (status?.phase ?? 'PHASE_PENDING').replace('PHASE_', '').toLowerCase() as Phase,
        version: Number(status?.version ?? 0),
        failureReason: status?.failureReason ?? '',
        conditions: status?.conditions ?? [],
        createdAt: m.createdAt,
        updatedAt: status?.updatedAt ?? m.createdAt,
        ideUrl: status?.phase === 'PHASE_RUNNING' ? status.url : ''
    };
}

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
    protected readonly connection: Connection;
    protected stream?: grpc.ClientReadableStream<{ workspace: Workspace__Output | null; deleted: boolean }>;
    protected retry?: NodeJS.Timeout;
    protected closed = false;

    constructor(address: string, token: string, protected readonly log: (entry: Record<string, unknown>) => void) {
        this.connection = connect(address, token);
    }

    /** Resolves once the cache holds every workspace. */
    async open(): Promise<void> {
        await this.resync();
    }

    close(): void {
        this.closed = true;
        clearTimeout(this.retry);
        this.stream?.cancel();
        this.connection.client.close();
    }

    get(tenant: string, id: string): WorkspaceView | undefined {
        return this.cache.get(`${tenant}/${id}`);
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
        return (await unary<{ classes: WorkspaceClass__Output[] }>(this.connection, 'ListWorkspaceClasses', {})).classes;
    }

    create(tenant: string, request: { id: string; name: string; className: string }): Promise<WorkspaceView> {
        return this.call('CreateWorkspace', { tenant, ...request });
    }

    start(tenant: string, id: string): Promise<WorkspaceView> {
        return this.call('StartWorkspace', { tenant, id });
    }

    stop(tenant: string, id: string): Promise<WorkspaceView> {
        return this.call('StopWorkspace', { tenant, id });
    }

    remove(tenant: string, id: string): Promise<WorkspaceView> {
        return this.call('DeleteWorkspace', { tenant, id });
    }

    protected async call(method: string, request: object): Promise<WorkspaceView> {
        const view = toView((await unary<{ workspace: Workspace__Output }>(this.connection, method, request)).workspace);
        this.apply(view, false);
        return view;
    }

    /** Takes a change unless the cache already has a newer one of the same workspace. */
    protected apply(view: WorkspaceView, deleted: boolean): void {
        const key = `${view.tenant}/${view.id}`;
        const known = this.cache.get(key);
        const tombstone = this.tombstones.get(key);
        if (!deleted && ((known && known.version > view.version) || tombstone === view.createdAt)) {
            return;
        }
        if (deleted) {
            this.tombstones.set(key, view.createdAt);
            this.cache.delete(key);
        } else {
            this.tombstones.delete(key);
            this.cache.set(key, view);
        }
        this.listeners.forEach(listener => listener(view, deleted));
    }

    protected async resync(): Promise<void> {
        const touched = new Set<string>();
        const stream = this.connection.client.WatchWorkspaces({ initial: false }, this.connection.metadata);
        this.stream = stream;
        stream.on('data', (m: { workspace: Workspace__Output | null; deleted: boolean }) => {
            if (m.workspace) {
                touched.add(`${m.workspace.tenant}/${m.workspace.id}`);
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
        const listed = (await unary<{ workspaces: Workspace__Output[] }>(this.connection, 'ListWorkspaces', {})).workspaces.map(toView);
        const present = new Set(listed.map(ws => `${ws.tenant}/${ws.id}`));
        for (const [key, ws] of this.cache) {
            if (!present.has(key) && !touched.has(key)) {
                this.apply(ws, true);
            }
        }
        listed.forEach(ws => this.apply(ws, false));
    }
}
