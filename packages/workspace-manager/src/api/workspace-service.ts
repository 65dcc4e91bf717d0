import { sendUnaryData, ServerUnaryCall, ServerWritableStream, status } from '@grpc/grpc-js';
import { WorkspaceServiceHandlers } from '@warren/workspace-api/lib/generated/warren/workspace/v1/WorkspaceService';
import { WatchWorkspacesRequest__Output } from '@warren/workspace-api/lib/generated/warren/workspace/v1/WatchWorkspacesRequest';
import { WatchWorkspacesResponse } from '@warren/workspace-api/lib/generated/warren/workspace/v1/WatchWorkspacesResponse';
import { WorkspaceClass } from '../classes';
import { DEFAULT_TOKEN_USERNAME, GitCredentialStore } from '../credentials/git-credentials';
import { WorkspaceRecord } from '../model';
import { ChangeFeed } from '../store/store-feed';
import { AlreadyExistsError, TokenStore, WorkspaceStore } from '../store/workspace-store';
import { ApiError } from './api-error';
import { authenticate, Caller, tenantOf } from './auth';
import { toClassMessage, toMessage } from './convert';
import { Intents } from './intents';
import { checkGoEnv, checkHost, checkLabel, checkName, checkSource, checkToken, checkUsername } from './validation';

export interface ServiceLog {
    (entry: Record<string, unknown>): void;
}

export interface ServiceDeps {
    store: WorkspaceStore;
    tokens: TokenStore;
    intents: Intents;
    /** Where watch streams learn of changes. */
    feed: ChangeFeed;
    classes: Map<string, WorkspaceClass>;
    /** The tenants' git tokens and SSH keys. */
    credentials: GitCredentialStore;
    /** Activity the gateway reports: the workspace's idle clock starts again. */
    touch(tenant: string, id: string): void;
    log: ServiceLog;
}

/**
 * The handlers: authenticate, validate everything before any I/O, record intent, answer; the
 * reconciler does the work. Errors are ApiErrors mapped to a status once, in unary() and watch().
 */
export function workspaceService(deps: ServiceDeps): WorkspaceServiceHandlers {
    const { store, intents, classes, log } = deps;
    const find = async (caller: Caller, tenantField: string | undefined, idField: string | undefined): Promise<WorkspaceRecord> => {
        const id = checkLabel('id', idField);
        const tenant = tenantOf(caller, tenantField, true)!;
        const ws = await store.getWorkspace(tenant, id);
        if (!ws) {
            // Another tenant's workspace answers exactly like one that does not exist.
            throw ApiError.notFound(`No workspace "${id}"${caller.admin ? ` in tenant "${tenant}"` : ''}.`);
        }
        return ws;
    };
    const unary = <Req, Res>(method: string, handler: (caller: Caller, req: Req) => Promise<Res>) =>
        (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
            authenticate(call.metadata, deps.tokens)
                .then(caller => handler(caller, call.request))
                .then(res => callback(null, res), err => callback(toServiceError(err, log, method)));
        };

    return {
        CreateWorkspace: unary('CreateWorkspace', async (caller, req) => {
            const id = checkLabel('id', req.id);
            const tenant = tenantOf(caller, req.tenant, true)!;
            const name = checkName(req.name, id);
            const className = checkLabel('class_name', req.className);
            if (!classes.has(className)) {
                throw ApiError.invalid(`There is no workspace class "${className}": use one of ${[...classes.keys()].join(', ')}.`);
            }
            const goEnv = checkGoEnv(req.goEnv);
            const source = checkSource(req.source);
            const now = new Date().toISOString();
            const record: WorkspaceRecord = {
                tenant, id, name, className, desired: 'running', deleting: false, forceStop: false, goEnv, source, createdAt: now, generation: 1,
                status: { phase: 'pending', version: 1, conditions: [], updatedAt: now }
            };
            try {
                await store.createWorkspace(record);
            } catch (err) {
                if (err instanceof AlreadyExistsError) {
                    throw new ApiError(status.ALREADY_EXISTS, `${err.message} Choose another id, or delete that one first.`);
                }
                throw err;
            }
            return { workspace: toMessage(record) };
        }),
        GetWorkspace: unary('GetWorkspace', async (caller, req) => ({ workspace: toMessage(await find(caller, req.tenant, req.id)) })),
        ListWorkspaces: unary('ListWorkspaces', async (caller, req) =>
            ({ workspaces: (await store.listWorkspaces(tenantOf(caller, req.tenant, false))).map(toMessage) })),
        StartWorkspace: unary('StartWorkspace', async (caller, req) => {
            const ws = await find(caller, req.tenant, req.id);
            return { workspace: toMessage(await intents.setDesired(ws.tenant, ws.id, 'running')) };
        }),
        StopWorkspace: unary('StopWorkspace', async (caller, req) => {
            const ws = await find(caller, req.tenant, req.id);
            return { workspace: toMessage(await intents.setDesired(ws.tenant, ws.id, 'stopped', req.force)) };
        }),
        DeleteWorkspace: unary('DeleteWorkspace', async (caller, req) => {
            const ws = await find(caller, req.tenant, req.id);
            return { workspace: toMessage(await intents.markDeleting(ws.tenant, ws.id)) };
        }),
        ListWorkspaceClasses: unary('ListWorkspaceClasses', async () =>
            // In the order the admin configured them: the first is what the dashboard offers first.
            ({ classes: [...classes.values()].map(toClassMessage) })),
        ReportActivity: unary('ReportActivity', async (caller, req) => {
            const ws = await find(caller, req.tenant, req.id);
            deps.touch(ws.tenant, ws.id);
            return {};
        }),
        AddGitCredential: unary('AddGitCredential', async (caller, req) => {
            const tenant = tenantOf(caller, req.tenant, true)!;
            const host = checkHost(req.host);
            const username = checkUsername(req.username) || DEFAULT_TOKEN_USERNAME;
            const token = checkToken(req.token);
            const credential = await deps.credentials.add(tenant, host, username, token);
            log({ level: 'info', msg: 'git credential added', tenant, host, username });
            return { credential };
        }),
        ListGitCredentials: unary('ListGitCredentials', async (caller, req) =>
            ({ credentials: await deps.credentials.list(tenantOf(caller, req.tenant, true)!) })),
        RemoveGitCredential: unary('RemoveGitCredential', async (caller, req) => {
            const tenant = tenantOf(caller, req.tenant, true)!;
            const host = checkHost(req.host);
            if (!await deps.credentials.remove(tenant, host)) {
                throw ApiError.notFound(`There is no git credential for ${host}: "warren credential list" shows the hosts that have one.`);
            }
            log({ level: 'info', msg: 'git credential removed', tenant, host });
            return {};
        }),
        GetSshPublicKey: unary('GetSshPublicKey', async (caller, req) => {
            const key = await deps.credentials.sshKey(tenantOf(caller, req.tenant, true)!);
            return { publicKey: key.publicKey, fingerprint: key.fingerprint };
        }),
        WatchWorkspaces: (call: ServerWritableStream<WatchWorkspacesRequest__Output, WatchWorkspacesResponse>) => {
            // Nothing is sent, and nothing subscribed, before the caller is known: a refused watch ends at once with its status.
            authenticate(call.metadata, deps.tokens).then(async caller => {
                const tenant = tenantOf(caller, call.request.tenant, false);
                if (call.cancelled) {
                    return;
                }
                const unsubscribe = deps.feed.onDidChange(change => {
                    if (tenant === undefined || change.workspace.tenant === tenant) {
                        call.write({ workspace: toMessage(change.workspace), deleted: change.deleted });
                    }
                });
                call.on('cancelled', unsubscribe);
                call.on('close', unsubscribe);
                if (call.request.initial) {
                    (await store.listWorkspaces(tenant)).forEach(ws => call.write({ workspace: toMessage(ws), deleted: false }));
                }
            }).catch(err => {
                call.emit('error', toServiceError(err, log, 'WatchWorkspaces'));
            });
        }
    };
}


function toServiceError(err: unknown, log: ServiceLog, method: string): Error & { code: status; details: string } {
    if (err instanceof ApiError) {
        return Object.assign(new Error(err.message), { code: err.code, details: err.message });
    }
    log({ level: 'error', msg: 'internal error', method, error: (err as Error).stack ?? String(err) });
    return Object.assign(new Error('Internal error'), { code: status.INTERNAL, details: 'Internal error: see the manager\'s log.' });
}
