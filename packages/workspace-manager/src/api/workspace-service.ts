import { sendUnaryData, ServerUnaryCall, ServerWritableStream, status } from '@grpc/grpc-js';
import { WorkspaceClass } from '../classes';
import { WorkspaceServiceHandlers } from '../generated/warren/workspace/v1/WorkspaceService';
import { WorkspaceRecord } from '../model';
import { Reconciler } from '../reconciler';
import { AlreadyExistsError, SqliteStore } from '../store/sqlite-store';
import { ApiError } from './api-error';
import { authenticate, Caller, tenantOf } from './auth';
import { toClassMessage, toMessage } from './convert';
import { checkGoEnv, checkLabel, checkName } from './validation';

export interface ServiceLog {
    (entry: Record<string, unknown>): void;
}

/**
 * The handlers: authenticate, validate everything before any I/O, record intent, trigger the
 * reconciler, answer. Errors are ApiErrors mapped to a status once, in unary() and watch().
 */
export function workspaceService(store: SqliteStore, reconciler: Reconciler, classes: Map<string, WorkspaceClass>, log: ServiceLog): WorkspaceServiceHandlers {
    const find = (caller: Caller, tenantField: string | undefined, idField: string | undefined): WorkspaceRecord => {
        const id = checkLabel('id', idField);
        const tenant = tenantOf(caller, tenantField, true)!;
        const ws = store.getWorkspace(tenant, id);
        if (!ws) {
            // Another tenant's workspace answers exactly like one that does not exist.
            throw ApiError.notFound(`No workspace "${id}"${caller.admin ? ` in tenant "${tenant}"` : ''}.`);
        }
        return ws;
    };

    return {
        CreateWorkspace: unary(store, log, 'CreateWorkspace', (caller, req) => {
            const id = checkLabel('id', req.id);
            const tenant = tenantOf(caller, req.tenant, true)!;
            const name = checkName(req.name, id);
            const className = checkLabel('class_name', req.className);
            if (!classes.has(className)) {
                throw ApiError.invalid(`There is no workspace class "${className}": use one of ${[...classes.keys()].join(', ')}.`);
            }
            const goEnv = checkGoEnv(req.goEnv);
            const now = new Date().toISOString();
            const record: WorkspaceRecord = {
                tenant, id, name, className, desired: 'running', deleting: false, goEnv, createdAt: now,
                status: { phase: 'pending', version: 1, conditions: [], updatedAt: now }
            };
            try {
                store.createWorkspace(record);
            } catch (err) {
                if (err instanceof AlreadyExistsError) {
                    throw new ApiError(status.ALREADY_EXISTS, `${err.message} Choose another id, or delete that one first.`);
                }
                throw err;
            }
            reconciler.trigger();
            return { workspace: toMessage(record) };
        }),
        GetWorkspace: unary(store, log, 'GetWorkspace', (caller, req) => ({ workspace: toMessage(find(caller, req.tenant, req.id)) })),
        ListWorkspaces: unary(store, log, 'ListWorkspaces', (caller, req) =>
            ({ workspaces: store.listWorkspaces(tenantOf(caller, req.tenant, false)).map(toMessage) })),
        StartWorkspace: unary(store, log, 'StartWorkspace', (caller, req) => intent(caller, req, 'running')),
        StopWorkspace: unary(store, log, 'StopWorkspace', (caller, req) => intent(caller, req, 'stopped')),
        DeleteWorkspace: unary(store, log, 'DeleteWorkspace', (caller, req) => {
            const ws = find(caller, req.tenant, req.id);
            const marked = store.markDeleting(ws.tenant, ws.id)!;
            reconciler.trigger();
            return { workspace: toMessage(marked) };
        }),
        ListWorkspaceClasses: unary(store, log, 'ListWorkspaceClasses', () =>
            // In the order the admin configured them: the first is what the dashboard offers first.
            ({ classes: [...classes.values()].map(toClassMessage) })),
        WatchWorkspaces: (call: ServerWritableStream<{ tenant: string; initial: boolean }, unknown>) => {
            try {
                const caller = authenticate(call.metadata, store);
                const tenant = tenantOf(caller, call.request.tenant, false);
                const unsubscribe = reconciler.onDidChange(change => {
                    if (tenant === undefined || change.workspace.tenant === tenant) {
                        call.write({ workspace: toMessage(change.workspace), deleted: change.deleted });
                    }
                });
                call.on('cancelled', unsubscribe);
                call.on('close', unsubscribe);
                if (call.request.initial) {
                    store.listWorkspaces(tenant).forEach(ws => call.write({ workspace: toMessage(ws), deleted: false }));
                }
            } catch (err) {
                call.destroy(toServiceError(err, log, 'WatchWorkspaces'));
            }
        }
    };

    function intent(caller: Caller, req: { tenant: string; id: string }, desired: 'running' | 'stopped'): { workspace: ReturnType<typeof toMessage> } {
        const ws = find(caller, req.tenant, req.id);
        if (ws.deleting) {
            throw new ApiError(status.FAILED_PRECONDITION, `Workspace "${ws.id}" is being deleted.`);
        }
        const updated = store.setDesired(ws.tenant, ws.id, desired)!;
        reconciler.trigger();
        return { workspace: toMessage(updated) };
    }
}

function unary<Req, Res>(store: SqliteStore, log: ServiceLog, method: string, handler: (caller: Caller, req: Req) => Res) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
        try {
            callback(null, handler(authenticate(call.metadata, store), call.request));
        } catch (err) {
            callback(toServiceError(err, log, method));
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
