import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { Repository } from './repository';
import { parseStatus } from './status';
import { TempRepos } from './test-repos';

describe('parseStatus', () => {
    it('should read the branch headers and each kind of record', () => {
        const out = [
            '# branch.oid 1234abcd', '# branch.head feature/x', '# branch.upstream origin/feature/x', '# branch.ab +2 -1',
            '1 M. N... 100644 100644 100644 aaaa bbbb staged.go',
            '1 .D N... 100644 100644 000000 aaaa aaaa gone.go',
            '2 R. N... 100644 100644 100644 aaaa aaaa R100 new name.go', 'old name.go',
            'u UU N... 100644 100644 100644 100644 a b c both.go',
            '? new dir/ünïcode.go', ''
        ].join('\0');
        const status = parseStatus(out);
        assert.equal(status.branch, 'feature/x');
        assert.equal(status.commit, '1234abcd');
        assert.equal(status.upstream, 'origin/feature/x');
        assert.deepEqual([status.ahead, status.behind], [2, 1]);
        assert.deepEqual(status.staged, [
            { path: 'staged.go', originalPath: undefined, kind: 'modified' },
            { path: 'new name.go', originalPath: 'old name.go', kind: 'renamed' }
        ]);
        assert.deepEqual(status.changes, [{ path: 'gone.go', kind: 'deleted' }, { path: 'new dir/ünïcode.go', kind: 'untracked' }]);
        assert.deepEqual(status.merge, [{ path: 'both.go', kind: 'conflict' }]);
    });

    it('should leave the branch and commit out before the first commit and when detached', () => {
        const status = parseStatus('# branch.oid (initial)\0# branch.head (detached)\0');
        assert.equal(status.branch, undefined);
        assert.equal(status.commit, undefined);
    });
});

describe('Repository.status against real repositories', () => {
    const repos = new TempRepos();
    after(() => repos.dispose());

    it('should list staged, unstaged, untracked, renamed and deleted files, with spaces and unicode in names', async () => {
        const root = repos.init('status', { 'a.go': 'package a\n', 'b.go': 'package b\n', 'old name.go': 'package c\n', 'gone.go': 'package d\n' });
        repos.write(root, { 'a.go': 'package a // staged\n', 'b.go': 'package b // unstaged\n', 'dir with space/ñandú.go': 'package e\n' });
        repos.git(root, 'add', 'a.go');
        repos.git(root, 'mv', 'old name.go', 'new name.go');
        fs.rmSync(path.join(root, 'gone.go'));
        const status = await new Repository(root).status();
        assert.equal(status.branch, 'main');
        assert.deepEqual(status.staged.map(c => [c.kind, c.path, c.originalPath]), [
            ['modified', 'a.go', undefined], ['renamed', 'new name.go', 'old name.go']
        ]);
        assert.deepEqual(status.changes.map(c => [c.kind, c.path]), [
            ['modified', 'b.go'], ['deleted', 'gone.go'], ['untracked', 'dir with space/ñandú.go']
        ]);
        assert.deepEqual(status.merge, []);
    });

    it('should follow .gitignore and .git/info/exclude: go.work does not show, go.mod changes made by go mod tidy do', async () => {
        const root = repos.init('ignored', {
            '.gitignore': 'bin/\n*.log\n',
            'go.mod': 'module example.com/m\n\ngo 1.22\n\nreplace example.com/dep => ./dep\n',
            'main.go': 'package main\n\nimport "example.com/dep"\n\nfunc main() { dep.Hello() }\n',
            'dep/go.mod': 'module example.com/dep\n\ngo 1.22\n',
            'dep/dep.go': 'package dep\n\nfunc Hello() {}\n'
        });
        // What plugins/go writes when it generates go.work.
        fs.appendFileSync(path.join(root, '.git', 'info', 'exclude'), '/go.work\n/go.work.sum\n');
        repos.write(root, { 'bin/app': 'x', 'debug.log': 'x', 'go.work': 'go 1.22\n\nuse .\n', 'go.work.sum': '' });
        // tidy adds the require line for the imported module (a local one: no network).
        execFileSync('go', ['mod', 'tidy'], { cwd: root, stdio: 'pipe', env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' } });
        assert.match(fs.readFileSync(path.join(root, 'go.mod'), 'utf8'), /require example\.com\/dep/);
        const status = await new Repository(root).status();
        assert.deepEqual(status.changes.map(c => [c.kind, c.path]), [['modified', 'go.mod']]);
    });

    it('should show the go.sum that go mod tidy writes for a module it downloads', async () => {
        const root = repos.init('gosum', {
            'go.mod': 'module example.com/m\n\ngo 1.22\n',
            'main.go': 'package main\n\nimport "example.com/dep"\n\nfunc main() { dep.Hello() }\n'
        });
        const proxy = repos.goProxy('example.com/dep', 'v1.0.0', { 'go.mod': 'module example.com/dep\n\ngo 1.22\n', 'dep.go': 'package dep\n\nfunc Hello() {}\n' });
        const env = {
            ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: proxy, GOSUMDB: 'off', GONOSUMDB: '', GOPRIVATE: '',
            GOMODCACHE: path.join(repos.dir, 'modcache')
        };
        execFileSync('go', ['mod', 'tidy'], { cwd: root, stdio: 'pipe', env });
        assert.match(fs.readFileSync(path.join(root, 'go.sum'), 'utf8'), /^example\.com\/dep v1\.0\.0 h1:/m);
        const status = await new Repository(root).status();
        assert.deepEqual(status.changes.map(c => [c.kind, c.path]), [['modified', 'go.mod'], ['untracked', 'go.sum']]);
        // The module cache is read-only, as Go makes it: made writable so that the folder can go.
        execFileSync('go', ['clean', '-modcache'], { cwd: root, stdio: 'pipe', env });
    });

    it('should never hold index.lock: a git command that needs it while status runs does not fail', async () => {
        const files = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}.go`, `package f // ${i}\n`]));
        const root = repos.init('locks', files);
        const repository = new Repository(root);
        let running = true;
        let statuses = 0;
        // The plugin's background status, as every file change runs it, with the index's stat data made stale each time.
        const background = (async () => {
            while (running) {
                const now = new Date();
                fs.utimesSync(path.join(root, 'f1.go'), now, now);
                await repository.status();
                statuses++;
            }
        })();
        const failures: string[] = [];
        const deadline = Date.now() + 3_000;
        for (let i = 0; Date.now() < deadline || statuses < 50; i++) {
            fs.appendFileSync(path.join(root, 'f5.go'), `// ${i}\n`);
            // What a terminal's git add does meanwhile; asynchronous, so that the status loop runs too.
            await new Promise<void>(resolve => execFile('git', ['add', 'f5.go'], { cwd: root }, (err, _out, stderr) => {
                if (err) {
                    failures.push(stderr.trim());
                }
                resolve();
            }));
        }
        running = false;
        await background;
        assert.ok(statuses >= 50, `the status loop ran (${statuses})`);
        assert.deepEqual(failures.slice(0, 3), [], `${failures.length} git add failed while status ran`);
    });

    it('should put conflicted files in merge', async () => {
        const root = repos.init('conflict', { 'main.go': 'package main\n// base\n' });
        repos.git(root, 'switch', '-q', '-c', 'other');
        repos.write(root, { 'main.go': 'package main\n// other\n' });
        repos.git(root, 'commit', '-q', '-am', 'other');
        repos.git(root, 'switch', '-q', 'main');
        repos.write(root, { 'main.go': 'package main\n// mine\n' });
        repos.git(root, 'commit', '-q', '-am', 'mine');
        assert.throws(() => repos.git(root, 'merge', 'other'));
        const status = await new Repository(root).status();
        assert.deepEqual(status.merge, [{ path: 'main.go', kind: 'conflict' }]);
        await new Repository(root).stage(['main.go']);
        assert.deepEqual((await new Repository(root).status()).merge, [], 'staging marks it resolved');
    });
});
