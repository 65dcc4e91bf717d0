import * as net from 'net';
import { DapDecoder, DapMessage, encodeDap } from './dap-codec';

/** Which way a message went, for the DAP trace. */
export type Direction = 'ide→dlv' | 'dlv→ide' | 'warren→ide';

/**
 * Carries DAP between the IDE and a dlv listening on TCP, and lets Warren add messages of its own:
 * the program's output when dlv did not send it as output events, and errors. Every message can be
 * traced.
 */
export class DapProxy {
    protected seq = 1_000_000;
    protected closed = false;

    protected constructor(
        protected readonly socket: net.Socket,
        protected readonly toIde: (message: DapMessage) => void,
        protected readonly trace?: (direction: Direction, message: DapMessage) => void
    ) {
        const decoder = new DapDecoder(message => this.deliver('dlv→ide', message));
        socket.on('data', chunk => {
            try {
                decoder.push(chunk);
            } catch (err) {
                this.output(`Warren could not read dlv's reply: ${(err as Error).message}\n`, 'stderr');
                socket.destroy();
            }
        });
    }

    /** Connects to dlv; the error says how to start a dlv that can be attached to. */
    static connect(host: string, port: number, toIde: (message: DapMessage) => void, trace?: (direction: Direction, message: DapMessage) => void, timeoutMs = 10_000): Promise<DapProxy> {
        return new Promise((resolve, reject) => {
            const socket = net.connect({ host, port });
            const timer = setTimeout(() => { socket.destroy(); reject(new Error(`dlv at ${host}:${port} did not answer within ${timeoutMs / 1000} s.`)); }, timeoutMs);
            socket.once('connect', () => {
                clearTimeout(timer);
                socket.setNoDelay(true);
                resolve(new DapProxy(socket, toIde, trace));
            });
            socket.once('error', (err: NodeJS.ErrnoException) => {
                clearTimeout(timer);
                reject(new Error(`Could not connect to dlv at ${host}:${port} (${err.code ?? err.message}). ` +
                    `Start it there with "dlv dap --listen=${host}:${port}" (or "dlv debug --headless --listen=${host}:${port}"), or check "host" and "port".`));
            });
        });
    }

    /** A message from the IDE to dlv. */
    send(message: DapMessage): void {
        this.trace?.('ide→dlv', message);
        if (!this.closed) {
            this.socket.write(encodeDap(message));
        }
    }

    /** Program output (or a note of Warren's) for the debug console. */
    output(text: string, category: 'stdout' | 'stderr' | 'console' = 'stdout'): void {
        this.deliver('warren→ide', { seq: this.seq++, type: 'event', event: 'output', body: { category, output: text } });
    }

    onClose(listener: () => void): void {
        this.socket.once('close', listener);
    }

    dispose(): void {
        this.closed = true;
        this.socket.destroy();
    }

    protected deliver(direction: Direction, message: DapMessage): void {
        this.trace?.(direction, message);
        this.toIde(message);
    }
}
