import * as grpc from '@grpc/grpc-js';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@warren/ide-launcher';
import { eventually } from '@warren/testing';
import { IDE_SECRET_HEADER, loadProto } from '@warren/workspace-api';
import { Workspace__Output } from '@warren/workspace-api/lib/generated/warren/workspace/v1/Workspace';
import { WorkspaceServiceClient } from '@warren/workspace-api/lib/generated/warren/workspace/v1/WorkspaceService';
import { Manager, startManager } from '../manager';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

type Call = (method: string, request: object, token?: string) => Promise<unknown>;

/** The gRPC API of a real manager (local provider, real IDE processes), driven by a real gRPC client. */
describe('the workspace manager\'s gRPC API', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-grpc-'));
    let manager: Manager;
    let client: WorkspaceServiceClient;
    let alice: string;
    let bob: string;
    let call: Call;

    before(async () => {
        manager = await startManager({ dataDir, port: await freePort(), templateDir: path.join(REPO, 'examples', 'hello'), log: () => undefined });
        const Service = loadProto().warren.workspace.v1.WorkspaceService;
        client = new Service(manager.address, grpc.credentials.createInsecure());
        alice = (await manager.tokens.createToken('alice', 'test')).token;
        bob = (await manager.tokens.createToken('bob', 'test')).token;
        call = (method, request, token) => new Promise((resolve, reject) => {
            const metadata = new grpc.Metadata();
            if (token) {
                metadata.set('authorization', `Bearer ${token}`);
            }
            (client as unknown as Record<string, (r: object, m: grpc.Metadata, cb: (e: grpc.ServiceError | null, v: unknown) => void) => void>)[method](request, metadata, (err, value) => (err ? reject(err) : resolve(value)));
        });
    });
    after(async () => {
        for (const ws of await manager.store.listWorkspaces()) {
            await call('DeleteWorkspace', { id: ws.id, tenant: ws.tenant }, manager.adminToken);
        }
        await eventually('every workspace deleted', async () => (await manager.store.listWorkspaces()).length === 0 || undefined, 60_000);
        client.close();
        await manager.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const rejects = async (p: Promise<unknown>, code: grpc.status, message: RegExp): Promise<void> => {
        await assert.rejects(p, (err: grpc.ServiceError) => {
            assert.equal(err.code, code, `${grpc.status[err.code]}: ${err.details}`);
            assert.match(err.details, message);
            return true;
        });
    };

    it('should write the first admin token where only its user can read it', () => {
        assert.ok(manager.adminToken);
        const stat = fs.statSync(path.join(dataDir, 'admin-token'));
        assert.equal(stat.mode & 0o777, 0o600);
    });

    it('should refuse a call without a token or with an unknown one', async () => {
        await rejects(call('ListWorkspaces', {}), grpc.status.UNAUTHENTICATED, /No token/);
        await rejects(call('ListWorkspaces', {}, 'wt_forged'), grpc.status.UNAUTHENTICATED, /unknown or was revoked/);
    });

    it('should end a refused watch at once with UNAUTHENTICATED, and hold no stream open for it', async () => {
        const watch = (token?: string): Promise<grpc.ServiceError> => new Promise((resolve, reject) => {
            const metadata = new grpc.Metadata();
            if (token) {
                metadata.set('authorization', `Bearer ${token}`);
            }
            const stream = client.WatchWorkspaces({ initial: true }, metadata);
            stream.on('data', () => reject(new Error('a refused watch sent data')));
            stream.on('error', resolve);
            stream.on('end', () => reject(new Error('a refused watch ended without a status')));
        });
        const forged = await watch('wt_forged');
        assert.equal(forged.code, grpc.status.UNAUTHENTICATED, forged.details);
        assert.match(forged.details, /unknown or was revoked/);
        assert.equal((await watch()).code, grpc.status.UNAUTHENTICATED);
        // Many refused watches leave nothing behind: the server answers each with its status and closes it.
        const answers = await Promise.all(Array.from({ length: 200 }, () => watch('wt_forged')));
        assert.ok(answers.every(a => a.code === grpc.status.UNAUTHENTICATED));
        await rejects(call('ListWorkspaces', {}, 'wt_forged'), grpc.status.UNAUTHENTICATED, /unknown/);
    });

    it('should create a workspace and stream its status to running, in version order', async () => {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', `Bearer ${alice}`);
        const stream = client.WatchWorkspaces({ initial: false }, metadata);
        const seen: Workspace__Output[] = [];
        const running = new Promise<void>((resolve, reject) => {
            stream.on('data', (m: { workspace: Workspace__Output }) => {
                seen.push(m.workspace);
                if (m.workspace.status?.phase === 'PHASE_RUNNING') {
                    resolve();
                }
            });
            stream.on('error', (err: grpc.ServiceError) => { if ((err as grpc.ServiceError).code !== grpc.status.CANCELLED) { reject(err); } });
        });
        const created = await call('CreateWorkspace', { id: 'api', name: 'My API', className: 'small', goEnv: { GOFLAGS: '-mod=mod' } }, alice) as { workspace: Workspace__Output };
        assert.equal(created.workspace.status?.phase, 'PHASE_PENDING');
        await running;
        stream.cancel();
        const versions = seen.map(w => Number(w.status!.version));
        assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
        const url = seen[seen.length - 1].status!.url;
        assert.equal((await fetch(url)).status, 401, 'the IDE answers only requests with its secret');
        assert.equal((await fetch(url, { headers: { [IDE_SECRET_HEADER]: manager.ideSecret('alice', 'api') } })).status, 200);
    });

    it('should keep tenants apart: another tenant\'s workspace does not exist for them', async () => {
        await rejects(call('GetWorkspace', { id: 'api' }, bob), grpc.status.NOT_FOUND, /No workspace "api"/);
        await rejects(call('StopWorkspace', { id: 'api' }, bob), grpc.status.NOT_FOUND, /No workspace "api"/);
        await rejects(call('DeleteWorkspace', { id: 'api' }, bob), grpc.status.NOT_FOUND, /No workspace "api"/);
        assert.deepEqual((await call('ListWorkspaces', {}, bob) as { workspaces: unknown[] }).workspaces, []);
        await rejects(call('ListWorkspaces', { tenant: 'alice' }, bob), grpc.status.PERMISSION_DENIED, /Only an admin token/);
        assert.equal((await call('ListWorkspaces', {}, manager.adminToken) as { workspaces: unknown[] }).workspaces.length, 1);
    });

    it('should refuse bad input with a message that says what to fix, and write nothing', async () => {
        const cases: Array<[object, grpc.status, RegExp]> = [
            [{ id: '../../etc', className: 'small' }, grpc.status.INVALID_ARGUMENT, /id "\.\.\/\.\.\/etc" is not a DNS-1123 label/],
            [{ id: 'Upper', className: 'small' }, grpc.status.INVALID_ARGUMENT, /not a DNS-1123 label/],
            [{ id: '', className: 'small' }, grpc.status.INVALID_ARGUMENT, /id is required/],
            [{ id: 'ok', className: 'huge' }, grpc.status.INVALID_ARGUMENT, /There is no workspace class "huge": use one of large, small|small, large/],
            [{ id: 'ok', className: 'small', goEnv: { PATH: '/tmp' } }, grpc.status.INVALID_ARGUMENT, /go_env "PATH" cannot be set/],
            [{ id: 'ok', className: 'small', name: 'x'.repeat(101) }, grpc.status.INVALID_ARGUMENT, /at most 100 characters/],
            [{ id: 'ok', className: 'small', tenant: 'bob' }, grpc.status.PERMISSION_DENIED, /Only an admin token/],
            [{ id: 'ok', className: 'small', name: 'x'.repeat(200_000) }, grpc.status.RESOURCE_EXHAUSTED, /larger than max/]
        ];
        for (const [request, code, message] of cases) {
            await rejects(call('CreateWorkspace', request, alice), code, message);
        }
        assert.deepEqual((await manager.store.listWorkspaces()).map(w => w.id), ['api']);
        assert.deepEqual(fs.readdirSync(path.join(dataDir, 'tenants', 'alice', 'workspaces')), ['api']);
        await rejects(call('CreateWorkspace', { id: 'api', className: 'small' }, alice), grpc.status.ALREADY_EXISTS, /already exists/);
    });

    it('should stop, start and delete', async () => {
        await call('StopWorkspace', { id: 'api' }, alice);
        await eventually('api stopped', async () => (await get('api')).status?.phase === 'PHASE_STOPPED' || undefined, 60_000);
        await call('StartWorkspace', { id: 'api' }, alice);
        await eventually('api running', async () => (await get('api')).status?.phase === 'PHASE_RUNNING' || undefined, 60_000);
        await call('DeleteWorkspace', { id: 'api' }, alice);
        await eventually('api gone', async () => (await call('ListWorkspaces', {}, alice) as { workspaces: unknown[] }).workspaces.length === 0 || undefined, 60_000);
        assert.equal(fs.existsSync(path.join(dataDir, 'tenants', 'alice', 'workspaces', 'api')), false);
    });

    // Without the forced shutdown, stop() waited for the stream forever; the timeout is a hang guard, not a speed check.
    it('should stop with a watch stream open', { timeout: 30_000 }, async () => {
        const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-grpc-stop-'));
        const other = await startManager({ dataDir: otherDir, port: await freePort(), log: () => undefined });
        const token = (await other.tokens.createToken('alice', 'x')).token;
        const watcher = new (loadProto().warren.workspace.v1.WorkspaceService)(other.address, grpc.credentials.createInsecure());
        const md = new grpc.Metadata();
        md.set('authorization', `Bearer ${token}`);
        const stream = watcher.WatchWorkspaces({ initial: true }, md);
        stream.on('error', () => undefined);
        await new Promise(resolve => setTimeout(resolve, 300));
        await other.stop();
        watcher.close();
        fs.rmSync(otherDir, { recursive: true, force: true });
    });

    it('should serve metrics, health and readiness', async () => {
        const metrics = await (await fetch(`${manager.metricsAddress}/metrics`)).text();
        assert.match(metrics, /warren_workspaces\{phase="running"\} \d/);
        assert.match(metrics, /warren_workspace_transition_seconds_count\{kind="start"\} [1-9]/);
        assert.equal((await fetch(`${manager.metricsAddress}/readyz`)).status, 200);
    });

    async function get(id: string): Promise<Workspace__Output> {
        return (await call('GetWorkspace', { id }, alice) as { workspace: Workspace__Output }).workspace;
    }
});
