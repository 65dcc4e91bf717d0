import * as http from 'http';
import { IDE_ENV } from '@warren/workspace-api/lib/ide-contract';

/**
 * POSTs to one of the manager's workspace endpoints as this workspace: through the IDE's relay socket
 * (WARREN_CREDENTIAL_SOCKET) when there is one, else with WARREN_ACTIVITY_URL and WARREN_WORKSPACE_TOKEN
 * (a clone the control plane runs). Undefined outside a Warren workspace.
 */
export async function askWarren(endpoint: string, body: object): Promise<{ status: number; text: string } | undefined> {
    const socket = process.env[IDE_ENV.credentialSocket];
    const url = process.env[IDE_ENV.activityUrl];
    const token = process.env[IDE_ENV.token];
    const text = JSON.stringify(body);
    if (socket) {
        return post({ socketPath: socket, path: endpoint }, text);
    }
    if (url && token) {
        const target = new URL(url.replace(/\/+$/, '') + endpoint);
        return post({ host: target.hostname, port: target.port, path: target.pathname, headers: { authorization: `Bearer ${token}` } }, text);
    }
    return undefined;
}

/** The error message of a refused answer ({"error": ...}), or its text. */
export function errorOf(answer: { text: string }): string {
    try {
        return (JSON.parse(answer.text) as { error?: string }).error ?? answer.text;
    } catch {
        return answer.text;
    }
}

function post(options: http.RequestOptions, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const req = http.request({ ...options, method: 'POST', headers: { ...options.headers, 'content-type': 'application/json' }, timeout: 20_000 }, res => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', chunk => { text += chunk; });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('timeout', () => req.destroy(new Error('the control plane did not answer within 20 s')));
        req.on('error', reject);
        req.end(body);
    });
}
