// Test support for the *.spec.ts files: real repositories in a temporary folder, with git's global and system
// configuration of this machine left out, so that every test sees the same git.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export class TempRepos {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-git-'));

    constructor() {
        const global = path.join(this.dir, 'gitconfig');
        fs.writeFileSync(global, '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
        process.env.GIT_CONFIG_GLOBAL = global;
        process.env.GIT_CONFIG_NOSYSTEM = '1';
        for (const name of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) {
            delete process.env[name];
        }
    }

    git(cwd: string, ...args: string[]): string {
        return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    }

    /** A new repository with an identity and, unless `files` is empty, a first commit of `files`. */
    init(name: string, files: Record<string, string> = { 'README.md': 'hello\n' }): string {
        const root = path.join(this.dir, name);
        fs.mkdirSync(root, { recursive: true });
        this.git(root, 'init', '-q');
        this.identity(root, 'Ada Lovelace', 'ada@example.com');
        if (Object.keys(files).length) {
            this.write(root, files);
            this.git(root, 'add', '-A');
            this.git(root, 'commit', '-q', '-m', 'first');
        }
        return root;
    }

    identity(root: string, name: string, email: string): void {
        this.git(root, 'config', 'user.name', name);
        this.git(root, 'config', 'user.email', email);
    }

    /** A bare repository seeded from `from`, set as `from`'s origin with its branch tracking origin's. */
    bareOrigin(from: string, name: string): string {
        const bare = path.join(this.dir, name);
        this.git(this.dir, 'clone', '-q', '--bare', from, bare);
        this.git(from, 'remote', 'add', 'origin', bare);
        this.git(from, 'fetch', '-q', 'origin');
        this.git(from, 'branch', '-q', '--set-upstream-to=origin/main');
        return bare;
    }

    clone(bare: string, name: string): string {
        const root = path.join(this.dir, name);
        this.git(this.dir, 'clone', '-q', bare, root);
        this.identity(root, 'Grace Hopper', 'grace@example.com');
        return root;
    }

    write(root: string, files: Record<string, string>): void {
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
            fs.writeFileSync(path.join(root, file), text);
        }
    }

    /**
     * A Go module proxy in a folder (GOPROXY=file://...) that serves one version of one module, so
     * that go mod tidy downloads it and writes go.sum with no network. The zip is made with Python's
     * zipfile, the one zip writer every machine here has.
     */
    goProxy(module: string, version: string, files: Record<string, string>): string {
        const proxy = path.join(this.dir, 'goproxy');
        const at = path.join(proxy, module, '@v');
        fs.mkdirSync(at, { recursive: true });
        fs.writeFileSync(path.join(at, 'list'), `${version}\n`);
        fs.writeFileSync(path.join(at, `${version}.info`), JSON.stringify({ Version: version, Time: '2026-01-01T00:00:00Z' }));
        fs.writeFileSync(path.join(at, `${version}.mod`), files['go.mod']);
        const entries = Object.entries(files).map(([name, text]) => [`${module}@${version}/${name}`, text]);
        execFileSync('python3', ['-c', 'import json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n    for name, text in json.loads(sys.stdin.read()): z.writestr(name, text)',
            path.join(at, `${version}.zip`)], { input: JSON.stringify(entries) });
        return `file://${proxy}`;
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
