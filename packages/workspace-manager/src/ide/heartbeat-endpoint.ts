import * as http from 'http';
import { HeartbeatRequest, IDE_ENV } from '@warren/workspace-api';
import { WorkspaceTokens } from './workspace-tokens';

export interface Heartbeat {
    tenant: string;
    id: string;
    reasons: string[];
}

/**
 * POST HEARTBEAT_PATH from a workspace's IDE (packages/go-workspace), with its workspace token as
 * bearer and `{"reasons": [...]}`: user input, a running command, task or debug session. Served on
 * a port of its own (listenForWorkspaces), the one IDEs get as WARREN_ACTIVITY_URL.
 */

export function heartbeatHandler(tokens: WorkspaceTokens, onHeartbeat: (beat: Heartbeat) => void): (req: http.IncomingMessage, res: http.ServerResponse) => void {
    return (req, res) => {
        if (req.method !== 'POST') {
            sendError(req, res, 405, 'Heartbeats are POSTed.');
            return;
        }
        const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const who = m ? tokens.verify(m[1]) : undefined;
        if (!who) {
            sendError(req, res, 401, `A heartbeat needs the workspace's token: Authorization: Bearer $${IDE_ENV.token}.`);
            return;
        }
        let body = '';
        req.setEncoding('utf8');
        req.on('data', chunk => {
            body += chunk;
            if (body.length > 16_384) {
                sendError(req, res, 413, 'A heartbeat is at most 16 KiB.');
                req.destroy();
            }
        });
        req.on('end', () => {
            let reasons: unknown;
            try {
                reasons = (JSON.parse(body || '{}') as Partial<HeartbeatRequest>).reasons;
            } catch {
                reasons = undefined;
            }
            if (!Array.isArray(reasons) || reasons.length > 50 || !reasons.every(r => typeof r === 'string' && r.length <= 500)) {
                sendError(req, res, 400, 'Send {"reasons": ["user input", ...]}: a list of at most 50 strings.');
                return;
            }
            onHeartbeat({ ...who, reasons });
            res.writeHead(204).end();
        });
    };
}

function sendError(_req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ error: message }));
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * The endpoints for workspaces (heartbeats, git credentials) on a port of their own, and nothing else
 * there: it is the one port of this machine that a sandboxed IDE reaches (doc/security.md), so /metrics
 * is not on it. Each route checks the workspace's token itself.
 */
export function listenForWorkspaces(host: string, routes: Record<string, Handler>, port = 0): Promise<http.Server> {
    const server = http.createServer((req, res) => {
        const route = routes[req.url ?? ''];
        if (route) {
            route(req, res);
        } else {
            sendError(req, res, 404, `This port takes only what workspaces send: ${Object.keys(routes).join(', ')}.`);
        }
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
    });
}
