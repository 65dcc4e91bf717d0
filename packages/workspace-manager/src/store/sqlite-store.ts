import Database = require('better-sqlite3');
import * as crypto from 'crypto';
import { DesiredState } from '../lifecycle/phase';
import { TokenRecord, WorkspaceRecord, WorkspaceStatus } from '../model';
import { MIGRATIONS } from './migrations';
import { openDatabase } from './open-database';

/** Thrown when a workspace or token that must be new already exists. */
export class AlreadyExistsError extends Error { }

interface WorkspaceRow {
    tenant: string;
    id: string;
    name: string;
    class_name: string;
    desired: DesiredState;
    deleting: number;
    failure: string | null;
    go_env: string;
    created_at: string;
    status: string;
}

/**
 * The embedded store: one SQLite file in the data folder, in WAL mode so that a crash (even kill -9)
 * loses no committed write. Every write is one statement or one transaction.
 */
export class SqliteStore {
    protected readonly db: Database.Database;

    constructor(readonly file: string) {
        this.db = openDatabase(file, MIGRATIONS);
    }

    /** The schema version this file is at. */
    get schemaVersion(): number {
        return this.db.pragma('user_version', { simple: true }) as number;
    }

    createWorkspace(record: WorkspaceRecord): void {
        try {
            this.db.prepare(`INSERT INTO workspaces (tenant, id, name, class_name, desired, deleting, failure, go_env, created_at, status)
                VALUES (@tenant, @id, @name, @class_name, @desired, @deleting, @failure, @go_env, @created_at, @status)`).run(toRow(record));
        } catch (err) {
            if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
                throw new AlreadyExistsError(`Workspace "${record.id}" already exists in tenant "${record.tenant}".`);
            }
            throw err;
        }
    }

    getWorkspace(tenant: string, id: string): WorkspaceRecord | undefined {
        const row = this.db.prepare('SELECT * FROM workspaces WHERE tenant = ? AND id = ?').get(tenant, id) as WorkspaceRow | undefined;
        return row && fromRow(row);
    }

    /** One tenant's workspaces, or every tenant's, sorted by tenant then id. */
    listWorkspaces(tenant?: string): WorkspaceRecord[] {
        const rows = (tenant === undefined
            ? this.db.prepare('SELECT * FROM workspaces ORDER BY tenant, id').all()
            : this.db.prepare('SELECT * FROM workspaces WHERE tenant = ? ORDER BY id').all(tenant)) as WorkspaceRow[];
        return rows.map(fromRow);
    }

    /** Records intent; a start clears a recorded failure, as the lifecycle says. */
    setDesired(tenant: string, id: string, desired: DesiredState): WorkspaceRecord | undefined {
        const clear = desired === 'running' ? ', failure = NULL' : '';
        this.db.prepare(`UPDATE workspaces SET desired = ?${clear} WHERE tenant = ? AND id = ? AND deleting = 0`).run(desired, tenant, id);
        return this.getWorkspace(tenant, id);
    }

    markDeleting(tenant: string, id: string): WorkspaceRecord | undefined {
        this.db.prepare('UPDATE workspaces SET deleting = 1 WHERE tenant = ? AND id = ?').run(tenant, id);
        return this.getWorkspace(tenant, id);
    }

    recordFailure(tenant: string, id: string, failure: string): void {
        this.db.prepare('UPDATE workspaces SET failure = ? WHERE tenant = ? AND id = ?').run(failure, tenant, id);
    }

    /**
     * Writes a status only if it is newer than the stored one: the version is the previous one plus one,
     * checked in the same statement, so a stale writer changes nothing and learns it (false).
     */
    updateStatus(tenant: string, id: string, status: WorkspaceStatus): boolean {
        const result = this.db.prepare(`UPDATE workspaces SET status = ?
            WHERE tenant = ? AND id = ? AND json_extract(status, '$.version') = ?`).run(JSON.stringify(status), tenant, id, status.version - 1);
        return result.changes === 1;
    }

    removeWorkspace(tenant: string, id: string): void {
        this.db.prepare('DELETE FROM workspaces WHERE tenant = ? AND id = ?').run(tenant, id);
    }

    /** Creates a token and returns it: the only time it is seen; the store keeps its SHA-256. */
    createToken(tenant: string | undefined, description: string): { token: string; record: TokenRecord } {
        const token = `wt_${crypto.randomBytes(24).toString('base64url')}`;
        const record: TokenRecord = { id: crypto.randomBytes(6).toString('hex'), tenant, description, createdAt: new Date().toISOString() };
        this.db.prepare('INSERT INTO tokens (id, sha256, tenant, description, created_at) VALUES (?, ?, ?, ?, ?)')
            .run(record.id, sha256(token), tenant ?? null, description, record.createdAt);
        return { token, record };
    }

    /** The token's record, or undefined for a token that is unknown or revoked. */
    findToken(token: string): TokenRecord | undefined {
        const row = this.db.prepare('SELECT id, tenant, description, created_at FROM tokens WHERE sha256 = ?').get(sha256(token)) as
            { id: string; tenant: string | null; description: string; created_at: string } | undefined;
        return row && { id: row.id, tenant: row.tenant ?? undefined, description: row.description, createdAt: row.created_at };
    }

    listTokens(): TokenRecord[] {
        return (this.db.prepare('SELECT id, tenant, description, created_at FROM tokens ORDER BY created_at').all() as
            Array<{ id: string; tenant: string | null; description: string; created_at: string }>)
            .map(r => ({ id: r.id, tenant: r.tenant ?? undefined, description: r.description, createdAt: r.created_at }));
    }

    revokeToken(id: string): boolean {
        return this.db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes === 1;
    }

    close(): void {
        this.db.close();
    }
}

function sha256(text: string): string {
    return crypto.createHash('sha256').update(text).digest('hex');
}

function toRow(r: WorkspaceRecord): WorkspaceRow {
    return {
        tenant: r.tenant, id: r.id, name: r.name, class_name: r.className, desired: r.desired, deleting: r.deleting ? 1 : 0,
        failure: r.failure ?? null, go_env: JSON.stringify(r.goEnv), created_at: r.createdAt, status: JSON.stringify(r.status)
    };
}

function fromRow(row: WorkspaceRow): WorkspaceRecord {
    return {
        tenant: row.tenant, id: row.id, name: row.name, className: row.class_name, desired: row.desired, deleting: row.deleting === 1,
        failure: row.failure ?? undefined, goEnv: JSON.parse(row.go_env), createdAt: row.created_at, status: JSON.parse(row.status)
    };
}
