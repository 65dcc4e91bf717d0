import Database = require('better-sqlite3');
import * as fs from 'fs';
import * as path from 'path';

/**
 * Opens one of Warren's SQLite files: WAL, so that a crash (even kill -9) loses no committed write;
 * synchronous=FULL; foreign keys on; and the schema brought up to date, one step per entry of
 * `migrations`, each in a transaction and recorded in user_version. A file newer than this Warren is refused.
 */
export function openDatabase(file: string, migrations: readonly string[]): Database.Database {
    fs.mkdirSync(path.dirname(file), { recursive: true });
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
