import * as http from 'http';
import { sendError } from '../proxy/responses';
import { WorkspaceTokens } from './workspace-token';

export interface Heartbeat {
    tenant: string;
    id: string;
    reasons: string[];
}

/**
 * POST /_warren/v1/heartbeat from a workspace's IDE (packages/go-workspace), with its workspace
 * token as bearer and `{"reasons": [...]}`: user input, a running command, task or debug session.
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
            sendError(req, res, 401, 'A heartbeat needs the workspace\'s token: Authorization: Bearer $WARREN_WORKSPACE_TOKEN.');
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
                reasons = (JSON.parse(body || '{}') as { reasons?: unknown }).reasons;
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
