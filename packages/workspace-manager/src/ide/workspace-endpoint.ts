import * as http from 'http';
import { IDE_ENV } from '@warren/workspace-api';
import { WorkspaceTokens } from './workspace-tokens';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
/** Answers once, with JSON or (no body) nothing; later calls (after a 413, say) do nothing. */
export type Send = (status: number, body?: object) => void;

export interface WorkspaceRoute {
    /** What is sent, for the error messages: "A heartbeat", "A credential request". */
    what: string;
    /** The most bytes a body may have. */
    maxBytes: number;
}

/**
 * A POST from a workspace, known by its token as bearer (the one a workspace's IDE holds as
 * IDE_ENV.token): handle gets the workspace, the body read whole, and a send. Every route on the
 * workspaces' port (listenForWorkspaces) goes through it.
 */
export function asWorkspace(tokens: WorkspaceTokens, route: WorkspaceRoute, handle: (who: { tenant: string; id: string }, body: string, send: Send) => Promise<void> | void): Handler {
    return (req, res) => {
        const send: Send = (status, body) => answer(res, status, body);
        if (req.method !== 'POST') {
            send(405, { error: `${route.what} is POSTed.` });
            return;
        }
        const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const who = m ? tokens.verify(m[1]) : undefined;
        if (!who) {
            send(401, { error: `${route.what} needs the workspace's token: Authorization: Bearer $${IDE_ENV.token}.` });
            return;
        }
        let body = '';
        req.setEncoding('utf8');
        req.on('data', chunk => {
            body += chunk;
            if (body.length > route.maxBytes) {
                // The rest is not read: the connection goes once the answer is out.
                req.pause();
                res.once('finish', () => req.destroy());
                send(413, { error: `${route.what} is at most ${route.maxBytes / 1024} KiB.` });
            }
        });
        req.on('end', () => {
            Promise.resolve()
                .then(() => handle(who, body, send))
                .catch(err => send(500, { error: `${route.what} could not be answered: ${(err as Error).message}` }));
        });
    };
}

/**
 * The endpoints for workspaces (heartbeats, git credentials) on a port of their own, and nothing else
 * there: it is the one port of this machine that a sandboxed IDE reaches (doc/security.md), so /metrics
 * is not on it. Each route checks the workspace's token itself (asWorkspace).
 */
export function listenForWorkspaces(host: string, routes: Record<string, Handler>, port = 0): Promise<http.Server> {
    const server = http.createServer((req, res) => {
        const route = routes[req.url ?? ''];
        if (route) {
            route(req, res);
        } else {
            answer(res, 404, { error: `This port takes only what workspaces send: ${Object.keys(routes).join(', ')}.` });
        }
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
    });
}

/** Answers once, with JSON or (no body) nothing, never cached; a later call does nothing. */
function answer(res: http.ServerResponse, status: number, body?: object): void {
    if (!res.headersSent) {
        res.writeHead(status, { 'Cache-Control': 'no-store', ...body ? { 'Content-Type': 'application/json' } : {} }).end(body ? JSON.stringify(body) : undefined);
    }
}
