import Database = require('better-sqlite3');
import * as crypto from 'crypto';
import { openDatabase } from '@warren/service-support';

/** Who a session acts for. */
export interface Identity {
    user: string;
    tenant: string;
}

export interface UserRecord extends Identity {
    passwordHash: string;
    createdAt: string;
}

/** A browser session on the gateway's origin, or one on a workspace's origin that hangs off it. */
export interface SessionRecord extends Identity {
    /** SHA-256 of the cookie's value: the key. */
    id: string;
    method: string;
    /** The workspace label (`<id>--<tenant>`) a workspace session is for; undefined on the gateway's origin. */
    workspace?: string;
    expiresAt: number;
}

const MIGRATIONS: readonly string[] = [
    `CREATE TABLE users (
        name          TEXT PRIMARY KEY,
        tenant        TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        user       TEXT NOT NULL,
        tenant     TEXT NOT NULL,
        method     TEXT NOT NULL,
        workspace  TEXT,
        parent     TEXT REFERENCES sessions (id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sessions_parent ON sessions (parent);
    CREATE TABLE login_tokens (
        id         TEXT PRIMARY KEY,
        user       TEXT NOT NULL,
        tenant     TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE tickets (
        id         TEXT PRIMARY KEY,
        session    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        workspace  TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT;`
];

/** A secret for a browser: random, and stored only as its SHA-256. */
export function newSecret(): string {
    return crypto.randomBytes(32).toString('base64url');
}

export function sha256(secret: string): string {
    return crypto.createHash('sha256').update(secret).digest('hex');
}

/** The users who sign in with a password (made with the CLI or read from a users file). */
export interface UserStore {
    /** Adds or changes a user; one moved to another tenant is signed out everywhere. */
    putUser(user: UserRecord): Promise<void>;
    getUser(name: string): Promise<UserRecord | undefined>;
    hasUsers(): Promise<boolean>;
    listUsers(): Promise<Array<Identity & { createdAt: string }>>;
    /** Removes the user and signs them out everywhere. */
    removeUser(name: string): Promise<boolean>;
}

/** Sessions and the one-time secrets that lead to them; every secret is kept only as its SHA-256. */
export interface SessionStore {
    /** A one-time login token for the user; valid until used, until it expires, or until a newer one is made for the user. */
    createLoginToken(who: Identity, ttlMs: number): Promise<string>;
    /** Uses up a login token: its identity the first time, undefined ever after. */
    consumeLoginToken(token: string): Promise<Identity | undefined>;
    /** A new session; the returned secret goes into the cookie. */
    createSession(who: Identity, method: string, ttlMs: number, parent?: { id: string; workspace: string }): Promise<string>;
    /** The live session a cookie's secret names; a workspace session lives only as long as its parent. */
    findSession(secret: string): Promise<SessionRecord | undefined>;
    /** Which of these session ids (SessionRecord.id) are still live: open connections are checked against it. */
    liveSessions(ids: readonly string[]): Promise<Set<string>>;
    /** Signs out: the session and every workspace session made from it. */
    deleteSession(id: string): Promise<void>;
    /** A ticket that carries a session to one workspace's origin; it works once, for a minute. */
    createTicket(sessionId: string, workspace: string): Promise<string>;
    /** Uses up a ticket for this workspace: the session it came from, if both are still good. */
    consumeTicket(ticket: string, workspace: string): Promise<SessionRecord | undefined>;
    /** Drops what expired; called now and then. */
    sweep(): Promise<void>;
}

/** What the gateway keeps: users and sessions, behind async interfaces (SQLite here; a cluster store could stand in). */
export type AuthStore = UserStore & SessionStore;

/**
 * The gateway's own SQLite file (gateway.db next to the manager's warren.db): users made with the
 * CLI, sessions, one-time login tokens and the short tickets that carry a session to a workspace's
 * origin. Secrets are kept as SHA-256, passwords as scrypt hashes.
 */
export class SqliteAuthStore implements UserStore, SessionStore {
    protected readonly db: Database.Database;
    /** Every proxied HTTP request looks its session up, and open connections every few seconds: compiled once. */
    protected readonly findSessionStatement: Database.Statement;
    protected readonly liveSessionsStatement: Database.Statement;

    constructor(readonly file: string) {
        this.db = openDatabase(file, MIGRATIONS);
        const live = 's.expires_at > @now AND (s.parent IS NULL OR p.expires_at > @now)';
        this.findSessionStatement = this.db.prepare(`SELECT s.id, s.user, s.tenant, s.method, s.workspace, s.expires_at FROM sessions s
            LEFT JOIN sessions p ON p.id = s.parent WHERE s.id = @id AND ${live}`);
        this.liveSessionsStatement = this.db.prepare(`SELECT s.id FROM sessions s
            LEFT JOIN sessions p ON p.id = s.parent WHERE s.id IN (SELECT value FROM json_each(@ids)) AND ${live}`).pluck();
    }

    /** A user moved to another tenant is signed out: their sessions would act for the old one. */
    async putUser(user: UserRecord): Promise<void> {
        this.db.transaction(() => {
            this.db.prepare('DELETE FROM sessions WHERE user = ? AND tenant != ? AND parent IS NULL').run(user.user, user.tenant);
            this.db.prepare(`INSERT INTO users (name, tenant, password_hash, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET tenant = excluded.tenant, password_hash = excluded.password_hash`)
                .run(user.user, user.tenant, user.passwordHash, user.createdAt);
        })();
    }

    async getUser(name: string): Promise<UserRecord | undefined> {
        const row = this.db.prepare('SELECT name, tenant, password_hash, created_at FROM users WHERE name = ?').get(name) as
            { name: string; tenant: string; password_hash: string; created_at: string } | undefined;
        return row && { user: row.name, tenant: row.tenant, passwordHash: row.password_hash, createdAt: row.created_at };
    }

    async hasUsers(): Promise<boolean> {
        return this.db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined;
    }

    async listUsers(): Promise<Array<Identity & { createdAt: string }>> {
        return (this.db.prepare('SELECT name, tenant, created_at FROM users ORDER BY name').all() as
            Array<{ name: string; tenant: string; created_at: string }>).map(r => ({ user: r.name, tenant: r.tenant, createdAt: r.created_at }));
    }

    /** Removes the user and signs them out everywhere. */
    async removeUser(name: string): Promise<boolean> {
        return this.db.transaction(() => {
            this.db.prepare('DELETE FROM sessions WHERE user = ? AND parent IS NULL').run(name);
            return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes === 1;
        })();
    }

    /** A one-time login token for the user; valid until used, until it expires, or until a newer one is made for the user. */
    async createLoginToken(who: Identity, ttlMs: number): Promise<string> {
        const token = newSecret();
        this.db.transaction(() => {
            this.db.prepare('DELETE FROM login_tokens WHERE user = ?').run(who.user);
            this.db.prepare('INSERT INTO login_tokens (id, user, tenant, expires_at) VALUES (?, ?, ?, ?)')
                .run(sha256(token), who.user, who.tenant, Date.now() + ttlMs);
        })();
        return token;
    }

    /** Uses up a login token: its identity the first time, undefined ever after. */
    async consumeLoginToken(token: string): Promise<Identity | undefined> {
        const row = this.db.prepare('DELETE FROM login_tokens WHERE id = ? RETURNING user, tenant, expires_at').get(sha256(token)) as
            { user: string; tenant: string; expires_at: number } | undefined;
        return row && row.expires_at > Date.now() ? { user: row.user, tenant: row.tenant } : undefined;
    }

    /** A new session; the returned secret goes into the cookie. */
    async createSession(who: Identity, method: string, ttlMs: number, parent?: { id: string; workspace: string }): Promise<string> {
        const secret = newSecret();
        this.db.prepare('INSERT INTO sessions (id, user, tenant, method, workspace, parent, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(sha256(secret), who.user, who.tenant, method, parent?.workspace ?? null, parent?.id ?? null, Date.now() + ttlMs);
        return secret;
    }

    /** The live session a cookie's secret names; a workspace session lives only as long as its parent. */
    async findSession(secret: string): Promise<SessionRecord | undefined> {
        const row = this.findSessionStatement.get({ id: sha256(secret), now: Date.now() }) as
            { id: string; user: string; tenant: string; method: string; workspace: string | null; expires_at: number } | undefined;
        return row && { id: row.id, user: row.user, tenant: row.tenant, method: row.method, workspace: row.workspace ?? undefined, expiresAt: row.expires_at };
    }

    async liveSessions(ids: readonly string[]): Promise<Set<string>> {
        return new Set(this.liveSessionsStatement.all({ ids: JSON.stringify(ids), now: Date.now() }) as string[]);
    }

    /** Signs out: the session and every workspace session made from it. */
    async deleteSession(id: string): Promise<void> {
        this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
    }

    /** A ticket that carries a session to one workspace's origin; it works once, for a minute. */
    async createTicket(sessionId: string, workspace: string): Promise<string> {
        const ticket = newSecret();
        this.db.prepare('INSERT INTO tickets (id, session, workspace, expires_at) VALUES (?, ?, ?, ?)')
            .run(sha256(ticket), sessionId, workspace, Date.now() + 60_000);
        return ticket;
    }

    /** Uses up a ticket for this workspace: the session it came from, if both are still good. */
    async consumeTicket(ticket: string, workspace: string): Promise<SessionRecord | undefined> {
        const row = this.db.prepare('DELETE FROM tickets WHERE id = ? RETURNING session, workspace, expires_at').get(sha256(ticket)) as
            { session: string; workspace: string; expires_at: number } | undefined;
        if (!row || row.workspace !== workspace || row.expires_at <= Date.now()) {
            return undefined;
        }
        const s = this.db.prepare('SELECT id, user, tenant, method, expires_at FROM sessions WHERE id = ? AND parent IS NULL AND expires_at > ?')
            .get(row.session, Date.now()) as { id: string; user: string; tenant: string; method: string; expires_at: number } | undefined;
        return s && { id: s.id, user: s.user, tenant: s.tenant, method: s.method, expiresAt: s.expires_at };
    }

    /** Drops what expired; called now and then. */
    async sweep(): Promise<void> {
        const now = Date.now();
        this.db.transaction(() => {
            this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
            this.db.prepare('DELETE FROM login_tokens WHERE expires_at <= ?').run(now);
            this.db.prepare('DELETE FROM tickets WHERE expires_at <= ?').run(now);
        })();
    }

    close(): void {
        this.db.close();
    }
}
