import { HeartbeatRequest } from '@warren/workspace-api';
import { asWorkspace, Handler } from './workspace-endpoint';
import { WorkspaceTokens } from './workspace-tokens';

export interface Heartbeat {
    tenant: string;
    id: string;
    reasons: string[];
}

/**
 * POST HEARTBEAT_PATH from a workspace's IDE (packages/go-workspace), with its workspace token as
 * bearer and `{"reasons": [...]}`: user input, a running command, task or debug session. Served on
 * the workspaces' port (listenForWorkspaces), the one IDEs get as WARREN_ACTIVITY_URL.
 */
export function heartbeatHandler(tokens: WorkspaceTokens, onHeartbeat: (beat: Heartbeat) => void): Handler {
    return asWorkspace(tokens, { what: 'A heartbeat', maxBytes: 16_384 }, (who, body, send) => {
        let reasons: unknown;
        try {
            reasons = (JSON.parse(body || '{}') as Partial<HeartbeatRequest>).reasons;
        } catch {
            reasons = undefined;
        }
        if (!Array.isArray(reasons) || reasons.length > 50 || !reasons.every(r => typeof r === 'string' && r.length <= 500)) {
            send(400, { error: 'Send {"reasons": ["user input", ...]}: a list of at most 50 strings.' });
            return;
        }
        onHeartbeat({ ...who, reasons });
        send(204);
    });
}
