import { status } from '@grpc/grpc-js';
import { DesiredState } from '@warren/workspace-api';
import { WorkspaceIntent, WorkspaceRecord } from '../model';
import { WorkspaceStore } from '../store/workspace-store';
import { ApiError } from './api-error';

/** How often a write that lost a race is tried again before the caller is told to. */
const ATTEMPTS = 5;

/**
 * The tenant's side of a workspace: start, stop and delete record intent and return, and the
 * reconciler (the store's change event wakes it) does the rest. A write that finds the record
 * changed meanwhile reads it again and retries. The idle clock stops workspaces through here too.
 */
export class Intents {
    constructor(protected readonly store: WorkspaceStore) { }

    setDesired(tenant: string, id: string, desired: DesiredState, force = false): Promise<WorkspaceRecord> {
        return this.write(tenant, id, ws => {
            if (ws.deleting) {
                throw new ApiError(status.FAILED_PRECONDITION, `Workspace "${ws.id}" is being deleted.`);
            }
            // A start always counts as new intent: it is what clears a recorded failure.
            return { desired, forceStop: desired === 'stopped' && (force || ws.forceStop) };
        });
    }

    markDeleting(tenant: string, id: string): Promise<WorkspaceRecord> {
        return this.write(tenant, id, () => ({ deleting: true }));
    }

    protected async write(tenant: string, id: string, change: (ws: WorkspaceRecord) => Partial<WorkspaceIntent>): Promise<WorkspaceRecord> {
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
            const ws = await this.store.getWorkspace(tenant, id);
            if (!ws) {
                throw ApiError.notFound(`No workspace "${id}".`);
            }
            const intent = change(ws);
            const result = await this.store.updateIntent(tenant, id, ws.generation, intent);
            if (result === 'ok') {
                return { ...ws, ...intent, generation: ws.generation + 1 };
            }
            if (result === 'not-found') {
                throw ApiError.notFound(`No workspace "${id}".`);
            }
        }
        throw new ApiError(status.ABORTED, `Workspace "${id}" kept changing while this request tried to change it: try again.`);
    }
}
