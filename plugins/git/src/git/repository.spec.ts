import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { GitError, userMessage } from './errors';
import { applyChanges, changesInRanges, diffLines } from './line-changes';
import { Repository } from './repository';
import { TempRepos } from './test-repos';

describe('Repository against real repositories', () => {
    const repos = new TempRepos();
    after(() => repos.dispose());
    const read = (root: string, file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

    it('should stage, unstage and discard changes, deleting untracked files', async () => {
        const root = repos.init('stage', { 'a.go': 'package a\n' });
        const repo = new Repository(root);
        repos.write(root, { 'a.go': 'package a // changed\n', 'new file.go': 'package n\n' });
        await repo.stage(['a.go', 'new file.go']);
        let status = await repo.status();
        assert.deepEqual(status.staged.map(c => [c.kind, c.path]), [['modified', 'a.go'], ['added', 'new file.go']]);
        await repo.unstage(status.staged);
        status = await repo.status();
        assert.deepEqual(status.staged, []);
        assert.deepEqual(status.changes.map(c => [c.kind, c.path]), [['modified', 'a.go'], ['untracked', 'new file.go']]);
        await repo.discard(status.changes);
        assert.equal(read(root, 'a.go'), 'package a\n');
        assert.equal(fs.existsSync(path.join(root, 'new file.go')), false);
        assert.deepEqual((await repo.status()).changes, []);
    });

    it('should run writing commands one after another: 30 stages at once, from two instances, all succeed', async () => {
        const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.go`, `package f // ${i}\n`]));
        const root = repos.init('queue', files);
        repos.write(root, Object.fromEntries(Object.keys(files).map(f => [f, `${files[f]}// changed\n`])));
        // As Stage clicked on file after file: each its own git add, none waiting for the view. Two instances share the queue.
        const [one, two] = [new Repository(root), new Repository(root)];
        const results = await Promise.allSettled(Object.keys(files).map((f, i) => (i % 2 ? one : two).stage([f])));
        assert.deepEqual(results.filter(r => r.status === 'rejected').map(r => String((r as PromiseRejectedResult).reason).slice(0, 120)), []);
        assert.equal((await one.status()).staged.length, 30);
    });

    it('should unstage a rename, both of its paths, and unstage everything before the first commit', async () => {
        const root = repos.init('rename', { 'old.go': 'package o\n' });
        const repo = new Repository(root);
        repos.git(root, 'mv', 'old.go', 'new.go');
        await repo.unstage((await repo.status()).staged);
        assert.deepEqual((await repo.status()).changes.map(c => [c.kind, c.path]), [['deleted', 'old.go'], ['untracked', 'new.go']]);
        const empty = new Repository(repos.init('empty', {}));
        repos.write(empty.root, { 'x.go': 'package x\n' });
        await empty.stageAll();
        assert.equal((await empty.status()).staged.length, 1);
        await empty.unstageAll();
        assert.deepEqual((await empty.status()).changes.map(c => c.kind), ['untracked']);
    });

    it('should stage only the selected ranges of a file, keeping the rest unstaged', async () => {
        const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`);
        const root = repos.init('ranges', { 'f.txt': lines.join('') });
        const repo = new Repository(root);
        const edited = [...lines];
        edited[1] = 'line 2 changed\n';
        edited[17] = 'line 18 changed\n';
        repos.write(root, { 'f.txt': edited.join('') });
        const original = await repo.show('', 'f.txt');
        const changes = diffLines(original, edited.join(''));
        assert.equal(changes.length, 2);
        await repo.writeIndex('f.txt', applyChanges(original, edited.join(''), changesInRanges(changes, [{ start: 1, end: 1 }])));
        const staged = repos.git(root, 'diff', '--cached', '-U0');
        assert.match(staged, /\+line 2 changed/);
        assert.doesNotMatch(staged, /line 18 changed/);
        assert.match(repos.git(root, 'diff', '-U0'), /\+line 18 changed/);
        assert.equal(read(root, 'f.txt'), edited.join(''), 'the work tree is untouched');
    });

    it('should commit as the user\'s identity, amend, and say when there is nothing to commit', async () => {
        const root = repos.init('commit');
        const repo = new Repository(root);
        repos.write(root, { 'README.md': 'hello again\n' });
        await repo.commit('second', { all: true });
        assert.equal(repos.git(root, 'log', '-1', '--format=%an <%ae> %s').trim(), 'Ada Lovelace <ada@example.com> second');
        await repo.commit('second, reworded', { amend: true });
        assert.equal(await repo.lastCommitMessage(), 'second, reworded');
        assert.equal(repos.git(root, 'rev-list', '--count', 'HEAD').trim(), '2');
        const err = await repo.commit('nothing').then(() => undefined, e => e as GitError);
        assert.equal(err?.reason, 'nothing-to-commit');
    });

    it('should say how to set an identity when there is none', async () => {
        const root = repos.init('anonymous', {});
        repos.git(root, 'config', '--unset', 'user.name');
        repos.git(root, 'config', '--unset', 'user.email');
        // Without this git may make up an identity from the host's name.
        repos.git(root, 'config', 'user.useConfigOnly', 'true');
        repos.write(root, { 'a.txt': 'a\n' });
        const err = await new Repository(root).commit('first', { all: true }).then(() => undefined, e => e as GitError);
        assert.equal(err?.reason, 'no-identity');
        assert.match(userMessage(err), /git config --global user\.name/);
    });

    it('should create, list and switch branches, tracking a remote one', async () => {
        const root = repos.init('branches');
        repos.bareOrigin(root, 'branches.git');
        const repo = new Repository(root);
        await repo.createBranch('feature');
        assert.equal((await repo.status()).branch, 'feature');
        await repo.push(undefined, 'origin');
        await repo.checkout({ name: 'main', remote: false, commit: '' });
        repos.git(root, 'branch', '-q', '-D', 'feature');
        const remote = (await repo.branches()).find(b => b.remote && b.name === 'origin/feature');
        assert.ok(remote, 'origin/feature is listed');
        await repo.checkout(remote);
        const status = await repo.status();
        assert.deepEqual([status.branch, status.upstream], ['feature', 'origin/feature']);
    });

    it('should push to a bare repository, count ahead and behind, and give the reason of a rejected push', async () => {
        const root = repos.init('pusher');
        const bare = repos.bareOrigin(root, 'pusher.git');
        const repo = new Repository(root);
        repos.write(root, { 'README.md': 'one\n' });
        await repo.commit('one', { all: true });
        assert.equal((await repo.status()).ahead, 1);
        const progress: string[] = [];
        await repo.push(line => progress.push(line));
        assert.equal(repos.git(bare, 'log', '-1', '--format=%an %s').trim(), 'Ada Lovelace one');
        assert.ok(progress.some(line => /main -> main|Writing objects/.test(line)), `git's progress lines: ${progress.join(' | ')}`);

        const other = repos.clone(bare, 'pusher-other');
        repos.write(other, { 'other.txt': 'x\n' });
        repos.git(other, 'add', '-A');
        repos.git(other, 'commit', '-q', '-m', 'theirs');
        repos.git(other, 'push', '-q');
        repos.write(root, { 'mine.txt': 'y\n' });
        await repo.commit('mine', { all: true });
        await repo.fetch();
        const status = await repo.status();
        assert.deepEqual([status.ahead, status.behind], [1, 1]);
        const err = await repo.push().then(() => undefined, e => e as GitError);
        assert.equal(err?.reason, 'push-rejected');
        assert.equal(userMessage(err), 'Push rejected: the remote has commits you do not have. Pull first, then push.');
    });

    it('should pull changes, and count the conflicted files when a pull stops', async () => {
        const root = repos.init('puller', { 'main.go': 'package main\n// base\n' });
        const bare = repos.bareOrigin(root, 'puller.git');
        const other = repos.clone(bare, 'puller-other');
        repos.write(other, { 'main.go': 'package main\n// theirs\n', 'new.go': 'package main\n' });
        repos.git(other, 'commit', '-q', '-am', 'theirs');
        repos.git(other, 'add', '-A');
        repos.git(other, 'commit', '-q', '-m', 'new');
        repos.git(other, 'push', '-q');
        const repo = new Repository(root);
        repos.write(root, { 'other.txt': 'mine\n' });
        await repo.commit('unrelated', { all: true });
        await repo.pull();
        assert.equal(read(root, 'main.go'), 'package main\n// theirs\n');

        repos.write(other, { 'main.go': 'package main\n// theirs again\n' });
        repos.git(other, 'commit', '-q', '-am', 'theirs again');
        repos.git(other, 'push', '-q');
        repos.write(root, { 'main.go': 'package main\n// mine\n' });
        await repo.commit('mine', { all: true });
        const err = await repo.pull().then(() => undefined, e => e as GitError);
        assert.equal(err?.reason, 'conflicts');
        assert.equal(userMessage(err), 'Pull stopped with conflicts in 1 file: resolve them in Merge Changes, then commit.');
        assert.deepEqual((await repo.status()).merge.map(c => c.path), ['main.go']);
    });

    it('should say there is no upstream or no remote', async () => {
        const root = repos.init('lonely');
        const repo = new Repository(root);
        assert.equal((await repo.push().then(() => undefined, e => e as GitError))?.reason, 'no-remote');
        repos.bareOrigin(root, 'lonely.git');
        await repo.createBranch('topic');
        assert.equal((await repo.push().then(() => undefined, e => e as GitError))?.reason, 'no-upstream');
    });

    it('should find the repository of a folder and the repositories below it', async () => {
        const { findRepositories } = await import('./discover');
        const top = path.join(repos.dir, 'gowork');
        repos.init('gowork/api');
        repos.init('gowork/services/web');
        fs.mkdirSync(path.join(top, 'node_modules', 'x'), { recursive: true });
        repos.init('gowork/node_modules/x');
        assert.deepEqual(await findRepositories(top), [path.join(top, 'api'), path.join(top, 'services', 'web')]);
        assert.deepEqual(await findRepositories(path.join(top, 'api')), [path.join(top, 'api')]);
    });
});
