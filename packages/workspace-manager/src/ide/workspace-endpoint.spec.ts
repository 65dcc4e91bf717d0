import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GIT_CREDENTIAL_PATH, HEARTBEAT_PATH } from '@warren/workspace-api';
import { gitCredentialHandler } from '../credentials/credential-endpoint';
import { CredentialStore } from '../credentials/credential-store';
import { FileSecrets } from '../credentials/file-secrets';
import { Heartbeat, heartbeatHandler } from './heartbeat-endpoint';
import { listenForWorkspaces } from './workspace-endpoint';
import { WorkspaceTokens } from './workspace-tokens';

/** The workspaces' port over real HTTP, with its two kinds of route: heartbeats and git credentials (a real 0600 file store). */
describe('the workspaces\' port', () => {
    const tokens = new WorkspaceTokens(crypto.randomBytes(32));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-endpoint-'));
    const credentials = new CredentialStore(new FileSecrets(dataDir));
    const beats: Heartbeat[] = [];
    const existing = new Set(['t1/ws']);
    let server: http.Server;
    let base: string;

    before(async () => {
        await credentials.add('t1', 'git.example.com', 'alice', 'tok-123');
        server = await listenForWorkspaces('127.0.0.1', {
            [HEARTBEAT_PATH]: heartbeatHandler(tokens, beat => beats.push(beat)),
            [GIT_CREDENTIAL_PATH]: gitCredentialHandler({ tokens, credentials, exists: async (t, id) => existing.has(`${t}/${id}`), log: () => undefined })
        });
        base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => {
        server?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const post = async (route: string, body: string, token?: string, method = 'POST'): Promise<{ status: number; error?: string; json?: Record<string, unknown> }> => {
        const res = await fetch(base + route, { method, body: method === 'GET' ? undefined : body, headers: token ? { authorization: `Bearer ${token}` } : {} });
        const text = await res.text();
        const json = text ? JSON.parse(text) as Record<string, unknown> : undefined;
        return { status: res.status, error: json?.error as string | undefined, json };
    };

    it('should take a heartbeat from a workspace with its token, and refuse one without, with a forged one, a GET and a bad body', async () => {
        const token = tokens.token('t1', 'ws');
        assert.equal((await post(HEARTBEAT_PATH, '{"reasons":["user input"]}', token)).status, 204);
        assert.deepEqual(beats, [{ tenant: 't1', id: 'ws', reasons: ['user input'] }]);
        assert.deepEqual(await post(HEARTBEAT_PATH, '{"reasons":[]}'), { status: 401, error: 'A heartbeat needs the workspace\'s token: Authorization: Bearer $WARREN_WORKSPACE_TOKEN.', json: { error: 'A heartbeat needs the workspace\'s token: Authorization: Bearer $WARREN_WORKSPACE_TOKEN.' } });
        assert.equal((await post(HEARTBEAT_PATH, '{"reasons":[]}', `${token.slice(0, -2)}xx`)).status, 401);
        assert.equal((await post(HEARTBEAT_PATH, '', token, 'GET')).error, 'A heartbeat is POSTed.');
        assert.equal((await post(HEARTBEAT_PATH, '{"reasons":"all"}', token)).status, 400);
        assert.equal(beats.length, 1, 'none of the refused ones counted');
    });

    it('should refuse a body over the limit with 413', async () => {
        const answer = await post(GIT_CREDENTIAL_PATH, JSON.stringify({ protocol: 'https', host: 'x'.repeat(50_000) }), tokens.token('t1', 'ws'));
        assert.equal(answer.status, 413);
        assert.equal(answer.error, 'A credential request is at most 4 KiB.');
    });

    it('should give a workspace its tenant\'s token for a host, and nothing to a deleted workspace, another tenant or another host', async () => {
        const ask = JSON.stringify({ protocol: 'https', host: 'git.example.com' });
        assert.deepEqual((await post(GIT_CREDENTIAL_PATH, ask, tokens.token('t1', 'ws'))).json, { username: 'alice', password: 'tok-123' });
        assert.deepEqual(await post(GIT_CREDENTIAL_PATH, ask, tokens.token('t1', 'gone')), { status: 401, error: 'This workspace no longer exists.', json: { error: 'This workspace no longer exists.' } });
        existing.add('t2/ws');
        const other = await post(GIT_CREDENTIAL_PATH, ask, tokens.token('t2', 'ws'));
        assert.equal(other.status, 404);
        assert.match(other.error!, /Tenant t2 has no token for git\.example\.com: add one in the dashboard/);
        assert.equal((await post(GIT_CREDENTIAL_PATH, JSON.stringify({ protocol: 'ssh', host: 'git.example.com' }), tokens.token('t1', 'ws'))).status, 400);
    });

    it('should answer 404 with the routes it has for any other path', async () => {
        const answer = await post('/metrics', '', undefined, 'GET');
        assert.equal(answer.status, 404);
        assert.equal(answer.error, `This port takes only what workspaces send: ${HEARTBEAT_PATH}, ${GIT_CREDENTIAL_PATH}.`);
    });
});
