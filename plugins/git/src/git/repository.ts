import * as path from 'node:path';
import { GitError } from './errors';
import { runGit } from './exec';
import { FileChange, parseStatus, RepositoryStatus } from './status';

export interface Branch {
    /** `main`, or `origin/main` for a remote branch. */
    name: string;
    remote: boolean;
    /** The short commit the branch points at. */
    commit: string;
    /** The upstream of a local branch, e.g. `origin/main`. */
    upstream?: string;
}

export interface CommitOptions {
    /** Replace the last commit (its message too). */
    amend?: boolean;
    /** Stage every change, untracked files included, before committing. */
    all?: boolean;
}

export type Progress = (line: string) => void;

/** The git commands this class runs that only read: they run at once. */
const READS = new Set(['status', 'show', 'log', 'ls-files', 'rev-parse', 'for-each-ref', 'remote', 'config']);
/** Per work tree, the last git command that writes: the next one waits for it, since two at once meet on index.lock. */
const writing = new Map<string, Promise<unknown>>();

/** A git work tree, driven through the git command line. Paths are relative to its root, with forward slashes. */
export class Repository {
    constructor(readonly root: string) { }

    /** The repository whose work tree holds `folder`. */
    static async open(folder: string): Promise<Repository> {
        const { stdout } = await runGit(['rev-parse', '--show-toplevel'], { cwd: folder });
        return new Repository(path.resolve(stdout.trim()));
    }

    /**
     * Runs git in the work tree. A command that writes waits for the one before it (two Stage clicks in a row,
     * a stage during a pull), as VS Code's git does; reads run at once, so a long push does not hold up the view.
     */
    run(args: string[], input?: string, onProgress?: Progress): Promise<string> {
        const go = (): Promise<string> => runGit(args, { cwd: this.root, input, onProgress }).then(out => out.stdout);
        if (READS.has(args[0])) {
            return go();
        }
        const result = (writing.get(this.root) ?? Promise.resolve()).then(go, go);
        const done = result.catch(() => undefined);
        writing.set(this.root, done);
        void done.then(() => {
            if (writing.get(this.root) === done) {
                writing.delete(this.root);
            }
        });
        return result;
    }

    async status(): Promise<RepositoryStatus> {
        return parseStatus(await this.run(['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all']));
    }

    /** `git add`: also what marks a conflicted file resolved, and what stages a deletion. */
    async stage(paths: string[]): Promise<void> {
        if (paths.length) {
            await this.run(['add', '-A', '--', ...paths]);
        }
    }

    async stageAll(): Promise<void> {
        await this.run(['add', '-A']);
    }

    /** Takes changes out of the index; before the first commit there is no HEAD to reset to. */
    async unstage(changes: FileChange[]): Promise<void> {
        const paths = changes.flatMap(c => c.originalPath ? [c.path, c.originalPath] : [c.path]);
        if (!paths.length) {
            return;
        }
        if (await this.hasHead()) {
            await this.run(['reset', '-q', 'HEAD', '--', ...paths]);
        } else {
            await this.run(['rm', '--cached', '-r', '-q', '--', ...paths]);
        }
    }

    async unstageAll(): Promise<void> {
        if (await this.hasHead()) {
            await this.run(['reset', '-q']);
        } else {
            await this.run(['rm', '--cached', '-r', '-q', '.']);
        }
    }

    /** Throws away work tree changes: tracked files go back to their staged version, untracked files are deleted. */
    async discard(changes: FileChange[]): Promise<void> {
        const untracked = changes.filter(c => c.kind === 'untracked').map(c => c.path);
        const tracked = changes.filter(c => c.kind !== 'untracked').map(c => c.path);
        if (tracked.length) {
            await this.run(['restore', '--worktree', '--', ...tracked]);
        }
        if (untracked.length) {
            await this.run(['clean', '-f', '-q', '--', ...untracked]);
        }
    }

    /** A file's content at `ref` (`HEAD`, a commit) or in the index (`''`); empty when the file is not there. */
    async show(ref: string, file: string): Promise<string> {
        try {
            return await this.run(['show', `${ref}:${file}`]);
        } catch {
            return '';
        }
    }

    /** Puts `content` into the index as the staged version of `file`, keeping its mode (e.g. executable). */
    async writeIndex(file: string, content: string): Promise<void> {
        const hash = (await this.run(['hash-object', '-w', '--stdin', `--path=${file}`], content)).trim();
        const staged = await this.run(['ls-files', '-s', '--', file]);
        const mode = staged.split(' ')[0] || '100644';
        await this.run(['update-index', '--add', '--cacheinfo', `${mode},${hash},${file}`]);
    }

    /** Commits the index. The author is the user's git identity (user.name, user.email). */
    async commit(message: string, options: CommitOptions = {}): Promise<void> {
        if (options.all) {
            await this.stageAll();
        }
        await this.run(['commit', '--quiet', '--file=-', ...(options.amend ? ['--amend'] : [])], message);
    }

    async lastCommitMessage(): Promise<string> {
        return (await this.run(['log', '-1', '--format=%B'])).trim();
    }

    async hasHead(): Promise<boolean> {
        return this.run(['rev-parse', '--verify', '--quiet', 'HEAD']).then(() => true, () => false);
    }

    async branches(): Promise<Branch[]> {
        const out = await this.run(['for-each-ref', '--format=%(refname)%00%(refname:short)%00%(objectname:short)%00%(upstream:short)', 'refs/heads', 'refs/remotes']);
        return out.split('\n').filter(Boolean).map(line => line.split('\0')).filter(([ref]) => !ref.endsWith('/HEAD')).map(([ref, name, commit, upstream]) => ({
            name, commit, remote: ref.startsWith('refs/remotes/'), upstream: upstream || undefined
        }));
    }

    async createBranch(name: string): Promise<void> {
        await this.run(['switch', '--create', name]);
    }

    /** Switches to a local branch, or to a remote one through a local branch of the same name that tracks it. */
    async checkout(branch: Branch): Promise<void> {
        if (!branch.remote) {
            await this.run(['switch', branch.name]);
            return;
        }
        const local = branch.name.slice(branch.name.indexOf('/') + 1);
        const exists = (await this.branches()).some(b => !b.remote && b.name === local);
        await this.run(exists ? ['switch', local] : ['switch', '--track', branch.name]);
    }

    async remotes(): Promise<string[]> {
        return (await this.run(['remote'])).split('\n').filter(Boolean);
    }

    async fetch(onProgress?: Progress): Promise<void> {
        await this.requireRemote();
        await this.run(['fetch', '--progress', '--prune'], undefined, onProgress);
    }

    /**
     * Pulls the upstream. A merge unless the user configured pull.rebase (git refuses to guess when the branches
     * have diverged). Conflicts are counted, so the message can say how many files need resolving.
     */
    async pull(onProgress?: Progress): Promise<void> {
        await this.requireRemote();
        const rebase = await this.run(['config', '--get', 'pull.rebase']).then(s => s.trim(), () => '');
        try {
            await this.run(['pull', '--progress', ...(rebase ? [] : ['--no-rebase'])], undefined, onProgress);
        } catch (err) {
            const conflicts = (await this.status()).merge.length;
            if (conflicts > 0) {
                throw new GitError('conflicts', (err as Error).message, (err as GitError).exitCode, conflicts);
            }
            throw err;
        }
    }

    /** Pushes the branch to its upstream; with `setUpstream`, to that remote under the same name, which becomes its upstream. */
    async push(onProgress?: Progress, setUpstream?: string): Promise<void> {
        await this.requireRemote();
        const status = await this.status();
        if (setUpstream && status.branch) {
            await this.run(['push', '--progress', '--set-upstream', setUpstream, status.branch], undefined, onProgress);
            return;
        }
        if (!status.upstream) {
            throw new GitError('no-upstream', `The branch ${status.branch ?? '(detached HEAD)'} has no upstream branch.`);
        }
        await this.run(['push', '--progress'], undefined, onProgress);
    }

    private async requireRemote(): Promise<void> {
        if (!(await this.remotes()).length) {
            throw new GitError('no-remote', 'No remote repository specified.');
        }
    }
}
