/**
 * The schema, one step per entry, applied in order and recorded in SQLite's user_version. A step is
 * never edited once released: a change is a new step.
 */
export const MIGRATIONS: readonly string[] = [
    `CREATE TABLE workspaces (
        tenant      TEXT NOT NULL,
        id          TEXT NOT NULL,
        name        TEXT NOT NULL,
        class_name  TEXT NOT NULL,
        desired     TEXT NOT NULL CHECK (desired IN ('running', 'stopped')),
        deleting    INTEGER NOT NULL DEFAULT 0,
        failure     TEXT,
        go_env      TEXT NOT NULL DEFAULT '{}',
        created_at  TEXT NOT NULL,
        status      TEXT NOT NULL,
        PRIMARY KEY (tenant, id)
    ) STRICT;
    CREATE TABLE tokens (
        id          TEXT PRIMARY KEY,
        sha256      TEXT NOT NULL UNIQUE,
        tenant      TEXT,
        description TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
    ) STRICT;`,
    // Intent and status get versions of their own; the failure becomes part of the status, which only
    // the reconciler writes, tagged with the intent's generation it was recorded under.
    `ALTER TABLE workspaces ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE workspaces ADD COLUMN force_stop INTEGER NOT NULL DEFAULT 0;
    UPDATE workspaces SET status = json_set(status, '$.phase', 'failed', '$.failureReason', failure, '$.failedGeneration', 1)
        WHERE failure IS NOT NULL;
    ALTER TABLE workspaces DROP COLUMN failure;`,
    // Where a workspace's files come from (the template, or a git repository), as JSON.
    `ALTER TABLE workspaces ADD COLUMN source TEXT NOT NULL DEFAULT '{"kind":"template"}';`
];
