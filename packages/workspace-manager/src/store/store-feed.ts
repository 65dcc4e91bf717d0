import { EventEmitter } from 'events';
import { WorkspaceKey, parseWorkspaceKey } from '@warren/workspace-api';
import { WorkspaceRecord } from '../model';
import { WorkspaceStore } from './workspace-store';

/** A workspace that changed, or went. */
export interface WorkspaceChange {
    workspace: WorkspaceRecord;
    deleted: boolean;
}

/** Where the API's watch streams learn of changes: the reconciler in embedded mode, the store where another replica may reconcile. */
export interface ChangeFeed {
    onDidChange(listener: (change: WorkspaceChange) => void): () => void;
}

/**
 * Changes as the store sees them, whoever wrote them: what a replica that does not reconcile (it
 * does not hold the lease) streams to its clients. A record is announced when its intent or status
 * moved on, and its removal once.
 */
export class StoreFeed implements ChangeFeed {
    protected readonly events = new EventEmitter();
    protected readonly last = new Map<WorkspaceKey, WorkspaceRecord>();
    protected readonly unsubscribe: () => void;

    constructor(protected readonly store: WorkspaceStore) {
        this.events.setMaxListeners(0);
        this.unsubscribe = store.onDidChange(key => void this.look(key));
    }

    onDidChange(listener: (change: WorkspaceChange) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.off('change', listener);
    }

    dispose(): void {
        this.unsubscribe();
    }

    protected async look(key: WorkspaceKey): Promise<void> {
        const { tenant, id } = parseWorkspaceKey(key);
        const ws = await this.store.getWorkspace(tenant, id);
        const known = this.last.get(key);
        if (!ws) {
            if (known) {
                this.last.delete(key);
                this.events.emit('change', { workspace: known, deleted: true });
            }
            return;
        }
        if (known && known.generation === ws.generation && known.status.version === ws.status.version && known.deleting === ws.deleting) {
            return;
        }
        this.last.set(key, ws);
        this.events.emit('change', { workspace: ws, deleted: false });
    }
}
