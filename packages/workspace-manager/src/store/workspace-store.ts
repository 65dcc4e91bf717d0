import { WorkspaceKey } from '@warren/workspace-api';
import { TokenRecord, WorkspaceIntent, WorkspaceRecord, WorkspaceStatus } from '../model';

/** Thrown when a workspace that must be new already exists. */
export class AlreadyExistsError extends Error { }

/** A versioned write: done, refused because someone wrote first (read again and retry), or the workspace is gone. */
export type WriteResult = 'ok' | 'conflict' | 'not-found';

/**
 * Where workspaces are kept: SQLite in embedded mode, the Workspace custom resource in cluster mode.
 * Ownership is split (Gitpod's ws-manager-mk2): the API writes intent, the reconciler writes status,
 * each with its own version, so that neither ever overwrites the other.
 */
export interface WorkspaceStore {
    createWorkspace(record: WorkspaceRecord): Promise<void>;
    getWorkspace(tenant: string, id: string): Promise<WorkspaceRecord | undefined>;
    /** One tenant's workspaces, or every tenant's, sorted by tenant then id. */
    listWorkspaces(tenant?: string): Promise<WorkspaceRecord[]>;
    /** Changes intent if the record is still at `generation`, and counts the generation up. */
    updateIntent(tenant: string, id: string, generation: number, intent: Partial<WorkspaceIntent>): Promise<WriteResult>;
    /** Writes a status whose version is the stored one plus one. */
    updateStatus(tenant: string, id: string, status: WorkspaceStatus): Promise<WriteResult>;
    removeWorkspace(tenant: string, id: string): Promise<void>;
    /** Called after every write, with the workspace it touched; returns the unsubscribe. */
    onDidChange(listener: (key: WorkspaceKey) => void): () => void;
}

/** The API's bearer tokens; only their SHA-256 is kept. */
export interface TokenStore {
    /** Creates a token and returns it: the only time it is seen. */
    createToken(tenant: string | undefined, description: string): Promise<{ token: string; record: TokenRecord }>;
    /** The token's record, or undefined for a token that is unknown or revoked. */
    findToken(token: string): Promise<TokenRecord | undefined>;
    listTokens(): Promise<TokenRecord[]>;
    revokeToken(id: string): Promise<boolean>;
}
