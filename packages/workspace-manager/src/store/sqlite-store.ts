import Database = require('better-sqlite3');
import * as crypto from 'crypto';
import { EventEmitter } from 'events';
import { DesiredState, WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { TokenRecord, WorkspaceIntent, WorkspaceRecord, WorkspaceStatus } from '../model';
import { MIGRATIONS } from './migrations';
import { openDatabase } from '@warren/service-support';
import { AlreadyExistsError, TokenStore, WorkspaceStore, WriteResult } from './workspace-store';

interface WorkspaceRow {
    tenant: string;
    id: string;
    name: string;
    class_name: string;
    desired: DesiredState;
    deleting: number;
    force_stop: number;
    go_env: string;
    source: string;
    created_at: string;
    generation: number;
    status: string;
}

/**
 * The embedded store: one SQLite file in the data folder, in WAL mode so that a crash (even kill -9)
 * loses no committed write. Every write is one statement, checked against the version it expects.
 * better-sqlite3 is synchronous and fast; the interface is async for the stores that are not.
 */
export class SqliteStore implements WorkspaceStore, TokenStore {
    protected readonly db: Database.Database;
    protected readonly events = new EventEmitter();

    constructor(readonly file: string) {
        this.db = openDatabase(file, MIGRATIONS);
        this.events.setMaxListeners(0);
    }

    /** The schema version this file is at. */
    get schemaVersion(): number {
        return this.db.pragma('user_version', { simple: true }) as number;
    }

    async createWorkspace(record: WorkspaceRecord): Promise<void> {
        try {
            this.db.prepare(`INSERT INTO workspaces (tenant, id, name, class_name, desired, deleting, force_stop, go_env, source, created_at, generation, status)
                VALUES (@tenant, @id, @name, @class_name, @desired, @deleting, @force_stop, @go_env, @source, @created_at, @generation, @status)`).run(toRow(record));
        } catch (err) {
            if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
                throw new AlreadyExistsError(`Workspace "${record.id}" already exists in tenant "${record.tenant}".`);
            }
            throw err;
        }
        this.changed(record);
    }

    async getWorkspace(tenant: string, id: string): Promise<WorkspaceRecord | undefined> {
        const row = this.db.prepare('SELECT * FROM workspaces WHERE tenant = ? AND id = ?').get(tenant, id) as WorkspaceRow | undefined;
        return row && fromRow(row);
    }

    async listWorkspaces(tenant?: string): Promise<WorkspaceRecord[]> {
        const rows = (tenant === undefined
            ? this.db.prepare('SELECT * FROM workspaces ORDER BY tenant, id').all()
            : this.db.prepare('SELECT * FROM workspaces WHERE tenant = ? ORDER BY id').all(tenant)) as WorkspaceRow[];
        return rows.map(fromRow);
    }

    async updateIntent(tenant: string, id: string, generation: number, intent: Partial<WorkspaceIntent>): Promise<WriteResult> {
        const sets: string[] = [];
        const values: Array<string | number> = [];
        if (intent.desired !== undefined) {
            sets.push('desired = ?');
            values.push(intent.desired);
        }
        if (intent.deleting !== undefined) {
            sets.push('deleting = ?');
            values.push(intent.deleting ? 1 : 0);
        }
        if (intent.forceStop !== undefined) {
            sets.push('force_stop = ?');
            values.push(intent.forceStop ? 1 : 0);
        }
        const result = this.db.prepare(`UPDATE workspaces SET ${[...sets, 'generation = generation + 1'].join(', ')}
            WHERE tenant = ? AND id = ? AND generation = ?`).run(...values, tenant, id, generation);
        return this.outcome(result.changes, tenant, id);
    }

    async updateStatus(tenant: string, id: string, status: WorkspaceStatus): Promise<WriteResult> {
        const result = this.db.prepare(`UPDATE workspaces SET status = ?
            WHERE tenant = ? AND id = ? AND json_extract(status, '$.version') = ?`).run(JSON.stringify(status), tenant, id, status.version - 1);
        return this.outcome(result.changes, tenant, id);
    }

    async removeWorkspace(tenant: string, id: string): Promise<void> {
        this.db.prepare('DELETE FROM workspaces WHERE tenant = ? AND id = ?').run(tenant, id);
        this.changed({ tenant, id });
    }

    onDidChange(listener: (key: WorkspaceKey) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.off('change', listener);
    }

    async createToken(tenant: string | undefined, description: string): Promise<{ token: string; record: TokenRecord }> {
        const token = `wt_${crypto.randomBytes(24).toString('base64url')}`;
        const record: TokenRecord = { id: crypto.randomBytes(6).toString('hex'), tenant, description, createdAt: new Date().toISOString() };
        this.db.prepare('INSERT INTO tokens (id, sha256, tenant, description, created_at) VALUES (?, ?, ?, ?, ?)')
            .run(record.id, sha256(token), tenant ?? null, description, record.createdAt);
        return { token, record };
    }

    async findToken(token: string): Promise<TokenRecord | undefined> {
        const row = this.db.prepare('SELECT id, tenant, description, created_at FROM tokens WHERE sha256 = ?').get(sha256(token)) as TokenRow | undefined;
        return row && fromTokenRow(row);
    }

    async listTokens(): Promise<TokenRecord[]> {
        return (this.db.prepare('SELECT id, tenant, description, created_at FROM tokens ORDER BY created_at').all() as TokenRow[]).map(fromTokenRow);
    }

    async revokeToken(id: string): Promise<boolean> {
        return this.db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes === 1;
    }

    close(): void {
        this.db.close();
    }

    protected outcome(changes: number, tenant: string, id: string): WriteResult {
        if (changes === 1) {
            this.changed({ tenant, id });
            return 'ok';
        }
        return this.db.prepare('SELECT 1 FROM workspaces WHERE tenant = ? AND id = ?').get(tenant, id) ? 'conflict' : 'not-found';
    }

    protected changed(ws: { tenant: string; id: string }): void {
        this.events.emit('change', workspaceKey(ws));
    }
}

interface TokenRow {
    id: string;
    tenant: string | null;
    description: string;
    created_at: string;
}

function fromTokenRow(r: TokenRow): TokenRecord {
    return { id: r.id, tenant: r.tenant ?? undefined, description: r.description, createdAt: r.created_at };
}

function sha256(text: string): string {
    return crypto.createHash('sha256').update(text).digest('hex');
}

function toRow(r: WorkspaceRecord): WorkspaceRow {
    return {
        tenant: r.tenant, id: r.id, name: r.name, class_name: r.className, desired: r.desired, deleting: r.deleting ? 1 : 0,
        force_stop: r.forceStop ? 1 : 0, go_env: JSON.stringify(r.goEnv), source: JSON.stringify(r.source), created_at: r.createdAt, generation: r.generation,
        status: JSON.stringify(r.status)
    };
}

function fromRow(row: WorkspaceRow): WorkspaceRecord {
    return {
        tenant: row.tenant, id: row.id, name: row.name, className: row.class_name, desired: row.desired, deleting: row.deleting === 1,
        forceStop: row.force_stop === 1, goEnv: JSON.parse(row.go_env), source: JSON.parse(row.source), createdAt: row.created_at, generation: row.generation,
        status: JSON.parse(row.status)
    };
}
