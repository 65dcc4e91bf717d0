import Database = require('better-sqlite3');
import * as fs from 'fs';
import * as path from 'path';

/**
 * Opens one of Warren's SQLite files: WAL, so that a crash (even kill -9) loses no committed write;
 * synchronous=FULL; foreign keys on; and the schema brought up to date, one step per entry of
 * `migrations`, each in a transaction and recorded in user_version. A file newer than this Warren is refused.
 * The file is this user's alone (0600, in a 0700 folder when made here); SQLite gives its -wal and
 * -shm files the same mode.
 */
export function openDatabase(file: string, migrations: readonly string[]): Database.Database {
    if (file !== ':memory:') { // SQLite's in-memory database is not a file to make private
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        fs.closeSync(fs.openSync(file, 'a', 0o600));
        fs.chmodSync(file, 0o600);
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const from = db.pragma('user_version', { simple: true }) as number;
    if (from > migrations.length) {
        db.close();
        throw new Error(`${file} has schema version ${from}, newer than this Warren knows (${migrations.length}). Use a newer Warren, or another data folder.`);
    }
    for (let v = from; v < migrations.length; v++) {
        db.transaction(() => {
            db.exec(migrations[v]);
            db.pragma(`user_version = ${v + 1}`);
        })();
    }
    return db;
}
