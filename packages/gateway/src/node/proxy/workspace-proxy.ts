import * as http from 'http';
import * as net from 'net';
import { createProxyServer, ProxyServer } from 'http-proxy-3';
import { IDE_SECRET_HEADER } from '@warren/workspace-api';
import { SessionRecord, SessionStore } from '../auth/auth-store';
import { CookieNames } from '../auth/cookies';
import { SessionGuard } from '../auth/session-guard';
import { WorkspaceDirectory, WorkspaceView } from '../directory';
import { WorkspaceHosts } from '../hosts';
import { GatewayMetrics } from '../metrics';
import { isControlPath } from './control-path';
import { refuseUpgrade, sendError, wantsPage } from './responses';

/**
 * Everything on a workspace's origin: the sign-in handshake (a one-minute ticket from the gateway's
 * origin becomes a cookie for this origin only), then every HTTP request and WebSocket checked
 * (session, tenant, Origin) and passed to the workspace's IDE. Open connections are closed when
 * their session ends (SessionGuard).
 */
export class WorkspaceProxy {
    protected readonly proxy: ProxyServer;
    /**
     * Connections to the IDEs are kept and reused. Without an agent http-proxy-3 opens one per request and sends
     * `Connection: close`; the IDE's answer then says `close` too, which closes the browser's connection as well.
     */
    protected readonly agent = new http.Agent({ keepAlive: true });
    /** Counted on every chunk: the labelled children are looked up once. */
    protected readonly bytesIn: { inc(n: number): void };
    protected readonly bytesOut: { inc(n: number): void };

    constructor(
        protected readonly hosts: WorkspaceHosts,
        protected readonly auth: SessionStore,
        protected readonly guard: SessionGuard,
        protected readonly cookies: CookieNames,
        protected readonly directory: WorkspaceDirectory,
        protected readonly metrics: GatewayMetrics,
        protected readonly log: (entry: Record<string, unknown>) => void,
        /** The secret each IDE wants on every request (ide-contract); only this proxy and the manager add it. */
        protected readonly ideSecret?: (tenant: string, id: string) => string
    ) {
        this.bytesIn = metrics.bytes.labels({ direction: 'in' });
        this.bytesOut = metrics.bytes.labels({ direction: 'out' });
        // The Host header goes through as it is: Theia checks that a WebSocket's Origin matches it.
        this.proxy = createProxyServer({ xfwd: true, ws: true, agent: this.agent });
        this.proxy.on('proxyRes', (ideResponse: http.IncomingMessage) => {
            ideResponse.on('data', (chunk: Buffer) => this.bytesOut.inc(chunk.length));
        });
        this.proxy.on('open', (ideSocket: net.Socket) => {
            ideSocket.on('data', (chunk: Buffer) => this.bytesOut.inc(chunk.length));
        });
        this.proxy.on('error', (err: Error, req: http.IncomingMessage, target: http.ServerResponse | net.Socket) => {
            this.metrics.errors.inc({ reason: (err as NodeJS.ErrnoException).code ?? 'error' });
            if (target instanceof http.ServerResponse) {
                if (!target.headersSent) {
                    sendError(req, target, 502, 'The workspace\'s IDE does not answer. It may be restarting: reload in a moment, or stop and start the workspace from the dashboard.');
                } else {
                    target.destroy();
                }
            } else {
                target.destroy();
            }
        });
    }

    close(): void {
        this.proxy.close();
        this.agent.destroy();
    }

    handleRequest(req: http.IncomingMessage, res: http.ServerResponse, label: string): void {
        this.request(req, res, label).catch(err => {
            this.log({ level: 'error', msg: 'proxy request failed', workspace: label, error: (err as Error).message });
            if (!res.headersSent) {
                sendError(req, res, 500, 'The gateway failed on this request: see its log.');
            }
        });
    }

    handleUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer, label: string): void {
        this.upgrade(req, socket, head, label).catch(err => {
            this.log({ level: 'error', msg: 'proxy upgrade failed', workspace: label, error: (err as Error).message });
            refuseUpgrade(socket, 500, 'The gateway failed on this WebSocket: see its log.');
        });
    }

    protected async request(req: http.IncomingMessage, res: http.ServerResponse, label: string): Promise<void> {
        if (isControlPath(req.url)) {
            const url = new URL(req.url ?? '/', 'http://x');
            if (url.pathname === '/_warren/auth') {
                await this.exchangeTicket(req, res, label, url);
            } else {
                // The IDE's own control endpoints are for the gateway, never for browsers.
                sendError(req, res, 404, 'Not found.');
            }
            return;
        }
        const session = await this.session(req, label);
        if (!session) {
            this.metrics.refused.inc({ reason: 'no-session' });
            if (wantsPage(req)) {
                res.writeHead(302, { Location: `${this.hosts.origin}/w/${label}`, 'Cache-Control': 'no-store' }).end();
            } else {
                sendError(req, res, 401, 'Not signed in to this workspace: open it from the Warren dashboard.');
            }
            return;
        }
        // A keep-alive socket stays open between requests: it is closed when this session ends.
        this.guard.track(req.socket, session.id);
        const ws = this.workspace(session, label);
        if (!ws) {
            this.metrics.refused.inc({ reason: 'not-found' });
            sendError(req, res, 404, 'No such workspace: it may have been deleted. Go back to the dashboard.');
            return;
        }
        if (!ws.ideUrl) {
            if (wantsPage(req)) {
                res.writeHead(302, { Location: `${this.hosts.origin}/open/${ws.id}`, 'Cache-Control': 'no-store' }).end();
            } else {
                sendError(req, res, 503, `Workspace "${ws.id}" is ${ws.phase}, not running: open it from the dashboard to start it.`);
            }
            return;
        }
        this.stripOwnCookie(req);
        this.addIdeSecret(req, ws);
        this.directory.reportActivity(ws.tenant, ws.id);
        res.once('finish', () => this.metrics.requests.inc({ kind: 'http', code: `${Math.floor(res.statusCode / 100)}xx` }));
        this.proxy.web(req, res, { target: ws.ideUrl });
    }

    protected async upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer, label: string): Promise<void> {
        // Cross-site WebSocket hijacking: a page elsewhere opening this workspace's socket with the user's cookies.
        const origin = req.headers.origin?.toLowerCase();
        const own = this.hosts.workspaceOriginOfLabel(label);
        if (origin !== own && origin !== this.hosts.origin) {
            this.metrics.refused.inc({ reason: 'foreign-origin' });
            this.log({ level: 'warn', msg: 'WebSocket from a foreign origin refused', workspace: label, origin: origin ?? '(none)' });
            refuseUpgrade(socket, 403, `WebSocket refused: its Origin ${origin ?? '(none)'} is not ${own}.`);
            return;
        }
        if (isControlPath(req.url)) {
            refuseUpgrade(socket, 404, 'No WebSocket here.');
            return;
        }
        const session = await this.session(req, label);
        if (!session) {
            this.metrics.refused.inc({ reason: 'no-session' });
            refuseUpgrade(socket, 401, 'Not signed in to this workspace: open it from the Warren dashboard.');
            return;
        }
        this.guard.track(socket, session.id);
        const ws = this.workspace(session, label);
        if (!ws || !ws.ideUrl) {
            this.metrics.refused.inc({ reason: ws ? 'not-running' : 'not-found' });
            refuseUpgrade(socket, ws ? 503 : 404, ws ? `Workspace "${ws.id}" is not running.` : 'No such workspace.');
            return;
        }
        this.stripOwnCookie(req);
        this.addIdeSecret(req, ws);
        this.directory.reportActivity(ws.tenant, ws.id);
        this.metrics.requests.inc({ kind: 'websocket', code: '1xx' });
        this.metrics.openConnections.inc();
        socket.on('data', (chunk: Buffer) => this.bytesIn.inc(chunk.length));
        socket.once('close', () => this.metrics.openConnections.dec());
        this.proxy.ws(req, socket, head, { target: ws.ideUrl });
    }

    /** GET /_warren/auth?ticket=...: the ticket the gateway's /open/<id>/go made becomes this origin's cookie. */
    protected async exchangeTicket(req: http.IncomingMessage, res: http.ServerResponse, label: string, url: URL): Promise<void> {
        const ticket = url.searchParams.get('ticket');
        const parent = req.method === 'GET' && ticket ? await this.auth.consumeTicket(ticket, label) : undefined;
        if (!parent) {
            this.metrics.refused.inc({ reason: 'bad-ticket' });
            res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
                .end(`<!doctype html><title>Link expired</title><p>This sign-in link has expired or was used already. <a href="${this.hosts.origin}/w/${label}">Open the workspace again</a>.</p>`);
            return;
        }
        const secret = await this.auth.createSession(parent, parent.method, parent.expiresAt - Date.now(), { id: parent.id, workspace: label });
        res.writeHead(302, {
            'Set-Cookie': this.cookies.set(this.cookies.workspace, secret, Math.floor((parent.expiresAt - Date.now()) / 1000)),
            Location: '/',
            'Cache-Control': 'no-store',
            'Referrer-Policy': 'no-referrer'
        }).end();
    }

    protected async session(req: http.IncomingMessage, label: string): Promise<SessionRecord | undefined> {
        const secret = this.cookies.read(req, this.cookies.workspace);
        const session = secret ? await this.auth.findSession(secret) : undefined;
        return session?.workspace === label ? session : undefined;
    }

    protected workspace(session: SessionRecord, label: string): WorkspaceView | undefined {
        const id = this.hosts.idOf(label, session.tenant);
        return id ? this.directory.get(session.tenant, id) : undefined;
    }

    /** What the browser said in the secret's header never goes through; the IDE's own secret does. */
    protected addIdeSecret(req: http.IncomingMessage, ws: WorkspaceView): void {
        delete req.headers[IDE_SECRET_HEADER];
        if (this.ideSecret) {
            req.headers[IDE_SECRET_HEADER] = this.ideSecret(ws.tenant, ws.id);
        }
    }

    /** The IDE never sees Warren's cookie; its own (theia-connection-token) goes through byte for byte. */
    protected stripOwnCookie(req: http.IncomingMessage): void {
        if (req.headers.cookie) {
            const rest = req.headers.cookie.split(';').filter(part => part.split('=')[0].trim() !== this.cookies.workspace);
            if (rest.length) {
                req.headers.cookie = rest.map(part => part.trim()).join('; ');
            } else {
                delete req.headers.cookie;
            }
        }
    }
}
