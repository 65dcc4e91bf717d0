import * as fs from 'node:fs';
import * as path from 'node:path';
import { Repository } from './repository';

// Folders that hold dependencies or build output, never a repository a user works on.
const SKIP = new Set(['node_modules', 'vendor', 'testdata']);

/**
 * The repositories of a workspace folder: the work tree the folder is in (it may be the folder or hold it), and
 * repositories one or two levels below it, as a go.work workspace of several cloned repositories has.
 */
export async function findRepositories(folder: string): Promise<string[]> {
    const roots = new Set<string>();
    const outer = await Repository.open(folder).then(r => r.root, () => undefined);
    if (outer) {
        roots.add(outer);
    }
    for (const dir of subfolders(folder, 2)) {
        if (fs.existsSync(path.join(dir, '.git'))) {
            roots.add(path.resolve(dir));
        }
    }
    return [...roots].sort();
}

function subfolders(folder: string, depth: number): string[] {
    if (depth === 0) {
        return [];
    }
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
        return [];
    }
    return entries
        .filter(e => e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name))
        .flatMap(e => [path.join(folder, e.name), ...subfolders(path.join(folder, e.name), depth - 1)]);
}
