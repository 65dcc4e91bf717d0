import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Folders that never hold a module of the workspace's own. */
const SKIP = new Set(['node_modules', 'vendor', 'testdata']);
const MAX_DEPTH = 6;

/** The folders under root that hold a go.mod, relative to root ('.' for root itself), sorted. */
export function findModules(root: string): string[] {
    const found: string[] = [];
    const walk = (dir: string, depth: number): void => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        if (entries.some(e => e.isFile() && e.name === 'go.mod')) {
            found.push(path.relative(root, dir) || '.');
        }
        if (depth >= MAX_DEPTH) {
            return;
        }
        for (const e of entries) {
            if (e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_') && !SKIP.has(e.name)) {
                walk(path.join(dir, e.name), depth + 1);
            }
        }
    };
    walk(root, 0);
    return found.sort();
}

export interface GoWorkResult {
    file: string;
    modules: string[];
    /** The .git/info/exclude file that now lists go.work, when root is in a git repository. */
    excludedIn?: string;
}

/**
 * Writes root/go.work for every module under root with `go work init`, and keeps it out of git:
 * a go.work describes this checkout, not the project, so it is listed in .git/info/exclude.
 */
export async function generateGoWork(root: string, go = 'go', env: NodeJS.ProcessEnv = process.env): Promise<GoWorkResult> {
    const file = path.join(root, 'go.work');
    if (fs.existsSync(file)) {
        throw new Error(`${file} already exists. Edit it, or delete it and run the command again.`);
    }
    const modules = findModules(root);
    if (modules.length === 0) {
        throw new Error(`No go.mod was found under ${root}: a go.work lists modules, so create one first (go mod init).`);
    }
    await new Promise<void>((resolve, reject) => {
        execFile(go, ['work', 'init', ...modules.map(m => (m === '.' ? '.' : `./${m}`))], { cwd: root, env: { ...env, GOWORK: '' }, timeout: 60_000 }, (err, _stdout, stderr) => {
            if (err) {
                reject(new Error(`go work init failed: ${String(stderr).trim() || err.message}`));
            } else {
                resolve();
            }
        });
    });
    return { file, modules, excludedIn: excludeFromGit(root, ['go.work', 'go.work.sum']) };
}

/** Adds the names, relative to root, to the exclude file of the git repository that holds root. */
export function excludeFromGit(root: string, names: string[]): string | undefined {
    let dir = path.resolve(root);
    for (;;) {
        const git = path.join(dir, '.git');
        if (fs.existsSync(git) && fs.statSync(git).isDirectory()) {
            const exclude = path.join(git, 'info', 'exclude');
            const prefix = path.relative(dir, root).split(path.sep).join('/');
            const lines = names.map(n => `/${prefix ? `${prefix}/` : ''}${n}`);
            const current = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8') : '';
            const missing = lines.filter(l => !current.split('\n').includes(l));
            if (missing.length) {
                fs.mkdirSync(path.dirname(exclude), { recursive: true });
                fs.appendFileSync(exclude, `${current && !current.endsWith('\n') ? '\n' : ''}# written by Warren: this checkout's own workspace file\n${missing.join('\n')}\n`);
            }
            return exclude;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return undefined;
        }
        dir = parent;
    }
}
