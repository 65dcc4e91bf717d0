/**
 * The manager side: a real manager in-process (local provider, real IDE processes) driven through its gRPC API with
 * a tenant token, and one WatchWorkspaces stream that says when a workspace reaches a phase.
 */
import * as grpc from '@grpc/grpc-js';
import { performance } from 'perf_hooks';
import { loadProto } from '@warren/workspace-manager';
import type { Workspace__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/Workspace';
import type { WatchWorkspacesResponse__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/WatchWorkspacesResponse';
import type { WorkspaceServiceClient } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/WorkspaceService';

export type Phase = NonNullable<Workspace__Output['status']>['phase'];

/** What a waiter accepts: the workspace's message, and whether it was deleted. */
type Accept = (ws: Workspace__Output, deleted: boolean) => boolean;

interface Waiter {
    id: string;
    accept: Accept;
    resolve(seen: Seen): void;
    reject(err: Error): void;
}

/** A message of the watch stream that a waiter accepted, with performance.now() at its arrival. */
export interface Seen {
    workspace: Workspace__Output;
    at: number;
}

function bearer(token: string): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
}

/** The generated client with its calls as promises, all under one tenant's token. */
export class ManagerClient {
    readonly client: WorkspaceServiceClient;
    private readonly waiters = new Set<Waiter>();
    private stream: grpc.ClientReadableStream<WatchWorkspacesResponse__Output> | undefined;
    private broken: Error | undefined;

    constructor(address: string, private readonly token: string) {
        const Service = loadProto().warren.workspace.v1.WorkspaceService;
        this.client = new Service(address, grpc.credentials.createInsecure());
    }

    call<T>(method: 'CreateWorkspace' | 'GetWorkspace' | 'StartWorkspace' | 'StopWorkspace' | 'DeleteWorkspace' | 'ListWorkspaces', request: object): Promise<T> {
        return new Promise((resolve, reject) => {
            type Unary = (r: object, m: grpc.Metadata, cb: (e: grpc.ServiceError | null, v: unknown) => void) => void;
            (this.client as unknown as Record<string, Unary>)[method](request, bearer(this.token), (err, value) =>
                (err ? reject(new Error(`${method}: ${err.details || err.message}`)) : resolve(value as T)));
        });
    }

    /** Opens the watch stream; a ListWorkspaces round trip after it, so that the stream is subscribed before any call. */
    async watch(): Promise<void> {
        this.stream = this.client.WatchWorkspaces({ initial: false }, bearer(this.token));
        this.stream.on('data', (m: WatchWorkspacesResponse__Output) => {
            const at = performance.now();
            if (!m.workspace) {
                return;
            }
            for (const w of [...this.waiters]) {
                if (w.id !== m.workspace.id) {
                    continue;
                }
                if (w.accept(m.workspace, m.deleted)) {
                    this.waiters.delete(w);
                    w.resolve({ workspace: m.workspace, at });
                } else if (m.workspace.status?.phase === 'PHASE_FAILED') {
                    this.waiters.delete(w);
                    w.reject(new Error(`workspace ${w.id} failed: ${m.workspace.status.failureReason}`));
                }
            }
        });
        const fail = (err: Error): void => {
            this.broken = err;
            for (const w of this.waiters) {
                w.reject(err);
            }
            this.waiters.clear();
        };
        this.stream.on('error', (err: grpc.ServiceError) => {
            if (err.code !== grpc.status.CANCELLED) {
                fail(new Error(`WatchWorkspaces failed: ${err.details || err.message}`));
            }
        });
        this.stream.on('end', () => fail(new Error('WatchWorkspaces ended')));
        await this.call('ListWorkspaces', {});
        await new Promise(resolve => setTimeout(resolve, 200));
    }

    /**
     * Registers a waiter for workspace id before `act` runs (so no message is missed), runs it, and resolves with the
     * first message the waiter accepts; a FAILED phase, the stream breaking or the timeout reject.
     */
    async after(act: () => Promise<unknown>, id: string, accept: Accept, what: string, timeoutMs: number): Promise<Seen> {
        if (this.broken) {
            throw this.broken;
        }
        let timer: NodeJS.Timeout | undefined;
        let waiter: Waiter | undefined;
        const seen = new Promise<Seen>((resolve, reject) => {
            waiter = { id, accept, resolve, reject };
            this.waiters.add(waiter);
            timer = setTimeout(() => {
                this.waiters.delete(waiter!);
                void this.phaseOf(id).then(phase => reject(new Error(`workspace ${id}: ${what} took longer than ${timeoutMs / 1000} s (phase now ${phase})`)));
            }, timeoutMs);
        });
        // Handled here so that a rejection while act is still running is no unhandled rejection; awaited below.
        seen.catch(() => undefined);
        try {
            await act();
            return await seen;
        } catch (err) {
            this.waiters.delete(waiter!);
            throw err;
        } finally {
            clearTimeout(timer);
        }
    }

    private async phaseOf(id: string): Promise<string> {
        try {
            return (await this.call<{ workspace: Workspace__Output }>('GetWorkspace', { id })).workspace.status?.phase ?? 'unknown';
        } catch (err) {
            return `unknown: ${(err as Error).message}`;
        }
    }

    close(): void {
        this.stream?.cancel();
        this.client.close();
    }
}

export const isRunning: Accept = ws => ws.status?.phase === 'PHASE_RUNNING' && ws.status.url !== '';
export const isStopped: Accept = ws => ws.status?.phase === 'PHASE_STOPPED';
export const isDeleted: Accept = (_, deleted) => deleted;
