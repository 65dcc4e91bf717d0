/**
 * The gateway bench's servers (the echo backend and the gateway) each run in a process of their own, as an IDE and
 * the gateway do, so that neither shares an event loop with the client that measures them. Parent and child speak
 * over Node's IPC channel: the child says once that it is ready (with what the parent needs to reach it), answers
 * questions about its counters (CPU time, connections) between measured blocks, and stops when told.
 */
import { ChildProcess, fork } from 'child_process';
import { withTimeout } from '../support/harness';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** What a server process has used and served so far; the bench takes the difference over a measured block. */
export interface ServerCounters {
    /** User plus system CPU time (process.cpuUsage()), in µs. */
    cpuMicros: number;
    /** TCP connections the server accepted, where it counts them. */
    connections?: number;
}

/** What the child's start function hands back. */
export interface StartedServer<R> {
    info: R;
    connections?: () => number;
    stop: () => Promise<void>;
}

type ToChild = { kind: 'counters' } | { kind: 'stop' };
type FromChild<R> = { kind: 'ready'; info: R } | { kind: 'counters'; counters: ServerCounters } | { kind: 'failed'; error: string };

/** A server running in a child process (bench/lib/gateway/<script>.js), seen from the bench. */
export class ServerProcess<R> {
    private countersWaiter?: (counters: ServerCounters) => void;

    private constructor(readonly what: string, readonly child: ChildProcess, readonly info: R) {
        child.on('message', (m: FromChild<R>) => {
            if (m.kind === 'counters') {
                this.countersWaiter?.(m.counters);
                this.countersWaiter = undefined;
            }
        });
    }

    /** Forks script with args and resolves with what it reports once it listens; rejects if it fails or exits first. */
    static async start<R>(what: string, script: string, args: string[]): Promise<ServerProcess<R>> {
        const child = fork(script, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        const ready = new Promise<R>((resolve, reject) => {
            child.on('message', (m: FromChild<R>) => {
                if (m.kind === 'ready') {
                    resolve(m.info);
                } else if (m.kind === 'failed') {
                    reject(new Error(`${what} failed to start: ${m.error}`));
                }
            });
            child.once('exit', code => reject(new Error(`${what} exited with ${code} before it was ready`)));
            child.once('error', reject);
        });
        try {
            return new ServerProcess(what, child, await withTimeout(ready, READY_TIMEOUT_MS, `Starting the ${what}`));
        } catch (err) {
            child.kill('SIGKILL');
            throw err;
        }
    }

    /** Asked between measured blocks only, one question at a time. */
    counters(): Promise<ServerCounters> {
        return withTimeout(new Promise<ServerCounters>(resolve => {
            this.countersWaiter = resolve;
            this.send({ kind: 'counters' });
        }), STOP_TIMEOUT_MS, `Asking the ${this.what} for its counters`);
    }

    /** Asks the child to stop its server and exit; kills it when it has not exited in time. */
    async stop(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            return;
        }
        const exited = new Promise<void>(resolve => this.child.once('exit', () => resolve()));
        this.send({ kind: 'stop' });
        await withTimeout(exited, STOP_TIMEOUT_MS, `Stopping the ${this.what}`).catch(async () => {
            this.child.kill('SIGKILL');
            await exited;
        });
    }

    private send(message: ToChild): void {
        this.child.send(message);
    }
}

/**
 * The child's side: starts the server, reports `info` to the parent, answers questions about its counters, and on 'stop' (or when
 * the parent goes away) stops the server and exits.
 */
export function serveParent<R>(start: () => Promise<StartedServer<R>>): void {
    const send = (message: FromChild<R>): void => {
        process.send?.(message);
    };
    start().then(server => {
        let stopping = false;
        const stop = (): void => {
            if (!stopping) {
                stopping = true;
                server.stop().finally(() => process.exit(0));
            }
        };
        process.on('message', (m: ToChild) => {
            if (m.kind === 'counters') {
                const usage = process.cpuUsage();
                send({ kind: 'counters', counters: { cpuMicros: usage.user + usage.system, connections: server.connections?.() } });
            } else {
                stop();
            }
        });
        process.on('disconnect', stop);
        send({ kind: 'ready', info: server.info });
    }, (err: Error) => {
        // Exit once the message is out, so the parent learns why.
        process.send?.({ kind: 'failed', error: err.message } satisfies FromChild<R>, undefined, undefined, () => process.exit(1));
    });
}
