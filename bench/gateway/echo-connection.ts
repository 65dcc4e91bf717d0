/**
 * One WebSocket of the gateway bench's client: it sends a message, waits for its echo, records the round trip and
 * sends the next, so that it never has more than one message in flight. Both paths use this same class over the
 * same `ws` client; only where the socket leads differs.
 */
import { performance } from 'perf_hooks';
import WebSocket = require('ws');
import type { BrowserLike } from '@warren/testing';

export const MESSAGE_BYTES = 64;

interface Run {
    remaining: number;
    into: number[];
    resolve(): void;
    reject(err: Error): void;
}

export class EchoConnection {
    private seq = 0;
    private expected = '';
    private sentAt = 0;
    private run?: Run;

    constructor(readonly name: string, readonly socket: WebSocket) {
        socket.on('message', data => this.onEcho(String(data)));
        socket.on('error', err => this.fail(new Error(`${name}: ${err.message}`)));
        socket.on('close', code => this.fail(new Error(`${name} closed (${code})`)));
    }

    /** count round trips, one after the other; each one's time in ms is pushed to into. */
    roundTrips(count: number, into: number[]): Promise<void> {
        return new Promise((resolve, reject) => {
            this.run = { remaining: count, into, resolve, reject };
            this.sendNext();
        });
    }

    close(): void {
        this.socket.removeAllListeners('close');
        this.socket.terminate();
    }

    private sendNext(): void {
        // A message of its own each time, so that an echo cannot be taken for another's.
        this.expected = `${this.name}#${this.seq++}:`.padEnd(MESSAGE_BYTES, '.');
        this.sentAt = performance.now();
        this.socket.send(this.expected);
    }

    private onEcho(text: string): void {
        const at = performance.now();
        const run = this.run;
        if (!run) {
            this.fail(new Error(`${this.name}: a message came unasked: ${text.slice(0, 80)}`));
            return;
        }
        if (text !== this.expected) {
            this.fail(new Error(`${this.name}: expected the echo of "${this.expected}", got "${text.slice(0, 80)}"`));
            return;
        }
        run.into.push(at - this.sentAt);
        if (--run.remaining > 0) {
            this.sendNext();
        } else {
            this.run = undefined;
            run.resolve();
        }
    }

    private fail(err: Error): void {
        const run = this.run;
        this.run = undefined;
        run?.reject(err);
    }
}

/**
 * A socket to port on 127.0.0.1 (the backend itself, or the relay in front of it) with the same options as
 * BrowserLike's socket: its Origin, ws's default offer of compression (which the backend declines).
 */
export async function connectTo(name: string, port: number, origin: string): Promise<EchoConnection> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { origin });
    await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
    });
    socket.removeAllListeners('error');
    return new EchoConnection(name, socket);
}

/** Through the gateway as the workspace's page opens it: its Host, its cookie, its Origin. */
export async function connectThroughGateway(name: string, browser: BrowserLike, workspaceOrigin: string): Promise<EchoConnection> {
    const opened = await browser.openWebSocket(`${workspaceOrigin.replace(/^http/, 'ws')}/`, workspaceOrigin);
    if (!opened.socket) {
        throw new Error(`the gateway refused the WebSocket: ${opened.status ?? ''} ${opened.body ?? opened.error ?? ''}`.trim());
    }
    // BrowserLike keeps every message in a list, for tests; the bench's client must do the same work on both paths.
    opened.socket.removeAllListeners('message');
    opened.socket.removeAllListeners('error');
    return new EchoConnection(name, opened.socket);
}
