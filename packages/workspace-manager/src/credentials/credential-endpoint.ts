import * as http from 'http';
import { checkGitHost, GitCredentialRequest, GitCredentialResponse, GitSshKeyResponse, IDE_ENV, SourceProblem } from '@warren/workspace-api';
import { WorkspaceTokens } from '../ide/workspace-tokens';
import { GitCredentialStore } from './git-credentials';

export interface CredentialEndpointDeps {
    tokens: WorkspaceTokens;
    credentials: GitCredentialStore;
    /** Whether the token's workspace still exists: a deleted workspace's token gets nothing. */
    exists(tenant: string, id: string): Promise<boolean>;
    log(entry: Record<string, unknown>): void;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type Send = (status: number, body: object) => void;

/**
 * POST GIT_CREDENTIAL_PATH on the workspaces' port, with a workspace's token as bearer: the tenant's
 * login for one host, for git's credential helper (packages/git-credential-helper). Only http and
 * https are answered; every answer is logged without the token.
 */
export function gitCredentialHandler(deps: CredentialEndpointDeps): Handler {
    return asWorkspace(deps, async (who, body, send) => {
        let ask: Partial<GitCredentialRequest>;
        let host: string;
        try {
            ask = JSON.parse(body || '{}') as Partial<GitCredentialRequest>;
            host = checkGitHost(ask.host);
        } catch (err) {
            send(400, { error: err instanceof SourceProblem ? err.message : 'Send {"protocol": "https", "host": "github.com"}.' });
            return;
        }
        if (ask.protocol !== 'https' && ask.protocol !== 'http') {
            send(400, { error: `Warren keeps tokens for http and https only, not "${String(ask.protocol)}".` });
            return;
        }
        const login = await deps.credentials.lookup(who.tenant, host);
        deps.log({ level: 'info', msg: 'git credential asked for', tenant: who.tenant, workspace: who.id, host, found: Boolean(login) });
        if (!login) {
            send(404, { error: `Tenant ${who.tenant} has no token for ${host}: add one in the dashboard (Git credentials) or with "warren credential add ${host}".` });
            return;
        }
        const answer: GitCredentialResponse = { username: login.username, password: login.password };
        send(200, answer);
    });
}

/** POST GIT_SSH_KEY_PATH, as a workspace: its tenant's SSH private key (made on first use), for Warren's ssh wrapper's agent. */
export function gitSshKeyHandler(deps: CredentialEndpointDeps): Handler {
    return asWorkspace(deps, async (who, _body, send) => {
        const key = await deps.credentials.sshKey(who.tenant);
        deps.log({ level: 'info', msg: 'git ssh key asked for', tenant: who.tenant, workspace: who.id, fingerprint: key.fingerprint });
        const answer: GitSshKeyResponse = { privateKey: key.privateKey };
        send(200, answer);
    });
}

/** A POST of at most 4 KiB from a workspace that still exists, known by its token; handle answers it. */
function asWorkspace(deps: CredentialEndpointDeps, handle: (who: { tenant: string; id: string }, body: string, send: Send) => Promise<void>): Handler {
    return (req, res) => {
        const send: Send = (status, body) => {
            if (!res.headersSent) {
                res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
            }
        };
        if (req.method !== 'POST') {
            send(405, { error: 'Credentials are POSTed.' });
            return;
        }
        const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const who = m ? deps.tokens.verify(m[1]) : undefined;
        if (!who) {
            send(401, { error: `Credentials need the workspace's token: Authorization: Bearer $${IDE_ENV.token}.` });
            return;
        }
        let body = '';
        req.setEncoding('utf8');
        req.on('data', chunk => {
            body += chunk;
            if (body.length > 4096) {
                send(413, { error: 'A credential request is at most 4 KiB.' });
                req.destroy();
            }
        });
        req.on('end', () => {
            void (async () => {
                if (!await deps.exists(who.tenant, who.id)) {
                    send(401, { error: 'This workspace no longer exists.' });
                    return;
                }
                await handle(who, body, send);
            })().catch(err => send(500, { error: `The credentials could not be read: ${(err as Error).message}` }));
        });
    };
}
