/**
 * One WatchWorkspaces stream that keeps, for each workspace, when each phase was first seen (performance.now() at
 * the message's arrival), and lets the bench wait until a workspace gets somewhere.
 */
import * as grpc from '@grpc/grpc-js';
import { performance } from 'perf_hooks';
import { Phase, phaseFromProto, WatchMessage, WorkspaceClient } from '@warren/workspace-api';

/** A phase, or the workspace's deletion. */
export type Seen = Phase | 'deleted';

export interface PhaseEvent {
    phase: Seen;
    at: number;
}

interface Waiter {
    id: string;
    want: Seen;
    resolve(at: number): void;
    reject(err: Error): void;
}

export class PhaseWatch {
    private readonly events = new Map<string, PhaseEvent[]>();
    private readonly waiters = new Set<Waiter>();
    private stream: grpc.ClientReadableStream<WatchMessage> | undefined;
    private broken: Error | undefined;

    constructor(private readonly api: WorkspaceClient) {}

    /** Opens the stream; a ListWorkspaces round trip after it, so that it is subscribed before the first create. */
    async open(): Promise<void> {
        const stream = this.api.watchWorkspaces({ initial: false });
        this.stream = stream;
        stream.on('data', (m: WatchMessage) => this.onMessage(m, performance.now()));
        const fail = (err: Error): void => {
            this.broken = err;
            for (const w of this.waiters) {
                w.reject(new Error(`the watch stream ended: ${err.message}`));
            }
            this.waiters.clear();
        };
        stream.on('error', (err: Error) => {
            if ((err as grpc.ServiceError).code !== grpc.status.CANCELLED) {
                fail(err);
            }
        });
        await this.api.listWorkspaces();
    }

    /** The phases id went through, in order, each with when it was first seen. */
    phases(id: string): PhaseEvent[] {
        return this.events.get(id) ?? [];
    }

    /** Resolves with when id was first seen in phase `want` (or deleted); rejects when it fails first, or after timeoutMs. */
    until(id: string, want: Seen, timeoutMs: number): Promise<number> {
        const seen = this.phases(id).find(e => e.phase === want);
        if (seen) {
            return Promise.resolve(seen.at);
        }
        if (this.broken) {
            return Promise.reject(new Error(`the watch stream ended: ${this.broken.message}`));
        }
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiters.delete(waiter);
                reject(new Error(`${id} was not ${want} after ${timeoutMs / 1000} s (seen: ${this.phases(id).map(e => e.phase).join(' → ') || 'nothing'})`));
            }, timeoutMs);
            const waiter: Waiter = {
                id, want,
                resolve: at => { clearTimeout(timer); resolve(at); },
                reject: err => { clearTimeout(timer); reject(err); }
            };
            this.waiters.add(waiter);
        });
    }

    close(): void {
        this.stream?.cancel();
    }

    private onMessage(m: WatchMessage, at: number): void {
        const ws = m.workspace;
        if (!ws) {
            return;
        }
        const phase: Seen = m.deleted ? 'deleted' : phaseFromProto(ws.status?.phase);
        const list = this.events.get(ws.id) ?? [];
        if (list.at(-1)?.phase !== phase) {
            list.push({ phase, at });
        }
        this.events.set(ws.id, list);
        for (const w of [...this.waiters]) {
            if (w.id !== ws.id) {
                continue;
            }
            if (phase === w.want) {
                this.waiters.delete(w);
                w.resolve(at);
            } else if (phase === 'failed') {
                this.waiters.delete(w);
                w.reject(new Error(`${w.id} failed: ${ws.status?.failureReason}`));
            }
        }
    }
}
