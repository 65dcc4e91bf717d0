import * as net from 'net';
import { SessionStore } from './auth-store';

/** How often open connections' sessions are looked up again: `warren user remove` runs in another process. */
export const SESSION_RECHECK_MS = 2_000;

/**
 * The open connections that act for a session: proxied keep-alive sockets and WebSockets, and the
 * dashboard's event stream. Every request checks its session, but a connection that is already open
 * would outlive a sign-out; so the sessions of open connections are looked up again every few
 * seconds (and at once after a sign-out here), and the connections of those that ended (signed out,
 * user removed or moved, expired) are closed.
 */
export class SessionGuard {
    /** Each socket and the session its latest request came with. */
    protected readonly open = new Map<net.Socket, string>();
    protected readonly timer: NodeJS.Timeout;
    protected running?: Promise<void>;
    protected again = false;

    constructor(
        protected readonly sessions: SessionStore,
        protected readonly onDidEnd: (count: number) => void,
        protected readonly log: (entry: Record<string, unknown>) => void,
        intervalMs = SESSION_RECHECK_MS
    ) {
        this.timer = setInterval(() => void this.check(), intervalMs);
        this.timer.unref();
    }

    /** The socket acts for this session now; returns how to stop watching it before it closes. */
    track(socket: net.Socket, sessionId: string): () => void {
        if (!this.open.has(socket)) {
            socket.once('close', () => this.open.delete(socket));
        }
        this.open.set(socket, sessionId);
        return () => {
            if (this.open.get(socket) === sessionId) {
                this.open.delete(socket);
            }
        };
    }

    /** Looks the sessions up now; a call during a look-up makes one more after it, which sees what changed meanwhile. */
    check(): Promise<void> {
        if (this.running) {
            this.again = true;
            return this.running;
        }
        this.running = (async () => {
            do {
                this.again = false;
                await this.closeEnded().catch(err => this.log({ level: 'error', msg: 'open connections could not be checked', error: (err as Error).message }));
            } while (this.again);
        })().finally(() => { this.running = undefined; });
        return this.running;
    }

    close(): void {
        clearInterval(this.timer);
        this.open.clear();
    }

    protected async closeEnded(): Promise<void> {
        if (!this.open.size) {
            return;
        }
        const asked = new Map(this.open);
        const live = await this.sessions.liveSessions([...new Set(asked.values())]);
        let ended = 0;
        for (const [socket, id] of asked) {
            // A socket whose next request came with another session while we asked is left for the next look.
            if (!live.has(id) && this.open.get(socket) === id) {
                this.open.delete(socket);
                socket.destroy();
                ended++;
            }
        }
        if (ended) {
            this.onDidEnd(ended);
        }
    }
}
