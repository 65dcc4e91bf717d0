/**
 * A minimal DAP client on a TCP socket to `dlv dap`, with nothing between the two: no proxy, no IDE. Every message
 * read is stamped with performance.now() when it is decoded (in the socket's 'data' handler), so that a time ends
 * when the message arrived, not when the code awaiting it got to run.
 */
import * as net from 'net';
import { performance } from 'perf_hooks';
import { DapDecoder, DapMessage, encodeDap } from 'warren-go/lib/debug/dap-codec';
import { withTimeout } from '../support/harness';

export interface Received {
    message: DapMessage;
    /** performance.now() when the message was decoded. */
    at: number;
}

export class DapSocket {
    protected seq = 1;
    readonly events: Received[] = [];
    protected readonly pending = new Map<number, (response: Received) => void>();
    protected readonly waiters = new Set<() => void>();
    protected closed = false;

    protected constructor(protected readonly socket: net.Socket) {
        const decoder = new DapDecoder(message => this.receive({ message, at: performance.now() }));
        socket.on('data', chunk => decoder.push(chunk));
        socket.on('close', () => {
            this.closed = true;
            this.wake();
        });
        // An error is followed by 'close'; without a listener it would be thrown.
        socket.on('error', () => undefined);
    }

    static async connect(host: string, port: number, timeoutMs: number): Promise<DapSocket> {
        const socket = net.connect({ host, port });
        socket.setNoDelay(true);
        try {
            await withTimeout(new Promise<void>((resolve, reject) => {
                socket.once('connect', resolve);
                socket.once('error', reject);
            }), timeoutMs, `Connecting to dlv at ${host}:${port}`);
        } catch (err) {
            socket.destroy();
            throw err;
        }
        return new DapSocket(socket);
    }

    protected receive(received: Received): void {
        const m = received.message;
        if (m.type === 'response') {
            this.pending.get(m.request_seq)?.(received);
            this.pending.delete(m.request_seq);
        } else if (m.type === 'event') {
            this.events.push(received);
            this.wake();
        } else if (m.type === 'request') {
            // dlv asks for runInTerminal only with "console": "integratedTerminal", which the benchmark never uses.
            this.socket.write(encodeDap({ seq: this.seq++, type: 'response', request_seq: m.seq, command: m.command, success: false }));
        }
    }

    protected wake(): void {
        const waiters = [...this.waiters];
        this.waiters.clear();
        waiters.forEach(w => w());
    }

    /** Writes a request; `sent` is performance.now() just before the write. Resolves with the response, failed or not. */
    request(command: string, args: unknown, timeoutMs: number): { sent: number; response: Promise<Received> } {
        const seq = this.seq++;
        const response = withTimeout(new Promise<Received>(resolve => this.pending.set(seq, resolve)), timeoutMs, `dlv's answer to ${command}`)
            .finally(() => this.pending.delete(seq));
        const sent = performance.now();
        this.socket.write(encodeDap({ seq, type: 'request', command, arguments: args }));
        return { sent, response };
    }

    /** Like request, but fails when dlv answers with an error. */
    async ok(command: string, args: unknown, timeoutMs: number): Promise<Received> {
        return succeeded(await this.request(command, args, timeoutMs).response);
    }

    /** The first event named `name` from index `after` of `events` on that satisfies check. */
    async event(name: string, after: number, timeoutMs: number, check: (m: DapMessage) => boolean = () => true): Promise<Received> {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
            const found = this.events.slice(after).find(e => e.message.event === name && check(e.message));
            if (found) {
                return found;
            }
            const left = deadline - performance.now();
            if (left <= 0 || this.closed) {
                const seen = this.events.slice(after).map(e => e.message.event).join(', ') || 'none';
                throw new Error(`no ${name} event ${this.closed ? 'before dlv closed the connection' : `within ${timeoutMs / 1000} s`}; events: ${seen}`);
            }
            await new Promise<void>(resolve => {
                const timer = setTimeout(resolve, left);
                this.waiters.add(() => {
                    clearTimeout(timer);
                    resolve();
                });
            });
        }
    }

    /** The program's and dlv's output events so far, for error messages. */
    output(): string {
        return this.events.filter(e => e.message.event === 'output').map(e => String(e.message.body?.output ?? '')).join('');
    }

    close(): void {
        this.socket.destroy();
    }
}

/** The response itself, or an error with dlv's message when it failed. */
export function succeeded(received: Received): Received {
    const m = received.message;
    if (!m.success) {
        throw new Error(`${m.command} failed: ${m.message ?? ''} ${JSON.stringify(m.body ?? {})}`.trim());
    }
    return received;
}
