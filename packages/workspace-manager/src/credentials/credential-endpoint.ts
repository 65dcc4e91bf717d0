import { checkGitHost, GitCredentialRequest, GitCredentialResponse, GitSshKeyResponse, SourceProblem } from '@warren/workspace-api';
import { asWorkspace, Handler, Send } from '../ide/workspace-endpoint';
import { WorkspaceTokens } from '../ide/workspace-tokens';
import { GitCredentialStore } from './git-credentials';

export interface CredentialEndpointDeps {
    tokens: WorkspaceTokens;
    credentials: GitCredentialStore;
    /** Whether the token's workspace still exists: a deleted workspace's token gets nothing. */
    exists(tenant: string, id: string): Promise<boolean>;
    log(entry: Record<string, unknown>): void;
}

/**
 * POST GIT_CREDENTIAL_PATH on the workspaces' port, with a workspace's token as bearer: the tenant's
 * login for one host, for git's credential helper (packages/git-credential-helper). Only http and
 * https are answered; every answer is logged without the token.
 */
export function gitCredentialHandler(deps: CredentialEndpointDeps): Handler {
    return asExistingWorkspace(deps, async (who, body, send) => {
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
    return asExistingWorkspace(deps, async (who, _body, send) => {
        const key = await deps.credentials.sshKey(who.tenant);
        deps.log({ level: 'info', msg: 'git ssh key asked for', tenant: who.tenant, workspace: who.id, fingerprint: key.fingerprint });
        const answer: GitSshKeyResponse = { privateKey: key.privateKey };
        send(200, answer);
    });
}

/** A POST of at most 4 KiB from a workspace that still exists, known by its token; handle answers it. */
function asExistingWorkspace(deps: CredentialEndpointDeps, handle: (who: { tenant: string; id: string }, body: string, send: Send) => Promise<void>): Handler {
    return asWorkspace(deps.tokens, { what: 'A credential request', maxBytes: 4096 }, async (who, body, send) => {
        if (!await deps.exists(who.tenant, who.id)) {
            send(401, { error: 'This workspace no longer exists.' });
            return;
        }
        await handle(who, body, send);
    });
}
