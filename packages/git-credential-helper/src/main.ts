#!/usr/bin/env node
/**
 * git's credential helper in a workspace (`git credential-<helper> get`, the request on stdin). It asks
 * for the tenant's token for the host, and never stores or forgets one ("store" and "erase" do nothing):
 * - in the IDE and its terminals, through the IDE's relay socket (WARREN_CREDENTIAL_SOCKET), which adds
 *   the workspace's token that no terminal sees;
 * - in a clone that the control plane runs, with WARREN_ACTIVITY_URL and WARREN_WORKSPACE_TOKEN.
 * When there is no token for the host it says so on stderr, which git shows, and answers nothing.
 */
import * as http from 'http';
import { GIT_CREDENTIAL_PATH, GitCredentialResponse, IDE_ENV } from '@warren/workspace-api/lib/ide-contract';

async function main(): Promise<void> {
    if (process.argv[2] !== 'get') {
        return;
    }
    const attributes = parse(await readStdin());
    if (attributes.protocol !== 'https' && attributes.protocol !== 'http') {
        return;
    }
    const body = JSON.stringify({ protocol: attributes.protocol, host: attributes.host ?? '' });
    const socket = process.env[IDE_ENV.credentialSocket];
    const url = process.env[IDE_ENV.activityUrl];
    const token = process.env[IDE_ENV.token];
    let answer: { status: number; text: string };
    if (socket) {
        answer = await post({ socketPath: socket, path: GIT_CREDENTIAL_PATH }, body);
    } else if (url && token) {
        const target = new URL(url.replace(/\/+$/, '') + GIT_CREDENTIAL_PATH);
        answer = await post({ host: target.hostname, port: target.port, path: target.pathname, headers: { authorization: `Bearer ${token}` } }, body);
    } else {
        return; // not in a Warren workspace
    }
    if (answer.status === 200) {
        const login = JSON.parse(answer.text) as GitCredentialResponse;
        process.stdout.write(`username=${login.username}\npassword=${login.password}\n`);
        return;
    }
    let message = answer.text;
    try {
        message = (JSON.parse(answer.text) as { error?: string }).error ?? message;
    } catch {
        // not JSON: shown as it came
    }
    process.stderr.write(`warren: ${message}\n`);
}

function parse(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) {
            out[line.slice(0, eq)] = line.slice(eq + 1);
        }
    }
    return out;
}

function readStdin(): Promise<string> {
    return new Promise((resolve, reject) => {
        let text = '';
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', chunk => { text += chunk; });
        process.stdin.on('end', () => resolve(text));
        process.stdin.on('error', reject);
    });
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

main().catch(err => {
    process.stderr.write(`warren: could not ask for git credentials: ${(err as Error).message}\n`);
});
