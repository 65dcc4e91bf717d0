/**
 * The manager side: a real manager in-process (local provider, real IDE processes) driven through its gRPC API with
 * a tenant token (@warren/workspace-api's WorkspaceClient), and one WatchWorkspaces stream that says when a workspace
 * reaches a phase.
 */
import * as grpc from '@grpc/grpc-js';
import { performance } from 'perf_hooks';
import { IDE_SECRET_HEADER, phaseFromProto, WatchMessage, WorkspaceClient, WorkspaceMessage } from '@warren/workspace-api';

/** What a waiter accepts: the workspace's message, and whether it was deleted. */
type Accept = (ws: WorkspaceMessage, deleted: boolean) => boolean;

interface Waiter {
    id: string;
    accept: Accept;
    resolve(seen: Seen): void;
    reject(err: Error): void;
}

/** A message of the watch stream that a waiter accepted, with performance.now() at its arrival. */
export interface Seen {
    workspace: WorkspaceMessage;
    at: number;
}

/** The typed client, all under one tenant's token, with waiters on one watch stream. */
export class ManagerClient {
    readonly api: WorkspaceClient;
    private readonly waiters = new Set<Waiter>();
    private stream: grpc.ClientReadableStream<WatchMessage> | undefined;
    private broken: Error | undefined;

    /** secretOf: the IDE secret of one of this tenant's workspaces (the manager's ideSecret), which every request to its IDE carries. */
    constructor(address: string, token: string, private readonly secretOf: (id: string) => string) {
        this.api = new WorkspaceClient(address, token);
    }

    /** The headers a request straight to a workspace's IDE needs, as the gateway's proxy adds them. */
    ideHeaders(id: string): Record<string, string> {
        return { [IDE_SECRET_HEADER]: this.secretOf(id) };
    }

    /** Opens the watch stream; a ListWorkspaces round trip after it, so that the stream is subscribed before any call. */
    async watch(): Promise<void> {
        const stream = this.api.watchWorkspaces({ initial: false });
        this.stream = stream;
        stream.on('data', (m: WatchMessage) => {
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
                } else if (phaseFromProto(m.workspace.status?.phase) === 'failed') {
                    this.waiters.delete(w);
                    w.reject(new Error(`workspace ${w.id} failed: ${m.workspace.status?.failureReason}`));
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
        stream.on('error', (err: grpc.ServiceError) => {
            if (err.code !== grpc.status.CANCELLED) {
                fail(new Error(`WatchWorkspaces failed: ${err.details || err.message}`));
            }
        });
        stream.on('end', () => fail(new Error('WatchWorkspaces ended')));
        await this.api.listWorkspaces();
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
            return phaseFromProto((await this.api.getWorkspace({ id })).status?.phase);
        } catch (err) {
            return `unknown: ${(err as Error).message}`;
        }
    }

    close(): void {
        this.stream?.cancel();
        this.api.close();
    }
}

export const isRunning: Accept = ws => phaseFromProto(ws.status?.phase) === 'running' && !!ws.status?.url;
export const isStopped: Accept = ws => phaseFromProto(ws.status?.phase) === 'stopped';
export const isDeleted: Accept = (_, deleted) => deleted;
