/** What happened to a file, as the Source Control view shows it. */
export type ChangeKind = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied' | 'typeChanged' | 'untracked' | 'conflict';

export interface FileChange {
    /** Relative to the repository's root, with forward slashes. */
    path: string;
    /** The path before a rename or copy. */
    originalPath?: string;
    kind: ChangeKind;
}

export interface RepositoryStatus {
    /** The branch checked out; undefined when HEAD is detached. */
    branch?: string;
    /** The commit of HEAD; undefined before the first commit. */
    commit?: string;
    /** The upstream branch, e.g. `origin/main`. */
    upstream?: string;
    /** Commits on the branch that its upstream does not have. */
    ahead: number;
    /** Commits on the upstream that the branch does not have. */
    behind: number;
    /** Files with merge conflicts. */
    merge: FileChange[];
    /** Changes in the index (what the next commit takes). */
    staged: FileChange[];
    /** Changes in the work tree, untracked files included. */
    changes: FileChange[];
}

const KINDS: Record<string, ChangeKind> = { M: 'modified', A: 'added', D: 'deleted', R: 'renamed', C: 'copied', T: 'typeChanged' };

/**
 * Parses `git status --porcelain=v2 -z --branch --untracked-files=all`: NUL-terminated records, headers first;
 * a rename's record is followed by a record holding the original path. Paths are raw (no quoting with -z).
 */
export function parseStatus(output: string): RepositoryStatus {
    const status: RepositoryStatus = { ahead: 0, behind: 0, merge: [], staged: [], changes: [] };
    const records = output.split('\0');
    for (let i = 0; i < records.length; i++) {
        const record = records[i];
        if (record.startsWith('# ')) {
            header(status, record.slice(2));
        } else if (record.startsWith('1 ')) {
            // 1 XY sub mH mI mW hH hI path
            tracked(status, record.slice(2, 4), fieldsAfter(record, 8));
        } else if (record.startsWith('2 ')) {
            // 2 XY sub mH mI mW hH hI Xscore path, then the original path
            tracked(status, record.slice(2, 4), fieldsAfter(record, 9), records[++i]);
        } else if (record.startsWith('u ')) {
            // u XY sub m1 m2 m3 mW h1 h2 h3 path
            status.merge.push({ path: fieldsAfter(record, 10), kind: 'conflict' });
        } else if (record.startsWith('? ')) {
            status.changes.push({ path: record.slice(2), kind: 'untracked' });
        }
    }
    return status;
}

function header(status: RepositoryStatus, text: string): void {
    const [key, ...rest] = text.split(' ');
    const value = rest.join(' ');
    if (key === 'branch.oid' && value !== '(initial)') {
        status.commit = value;
    } else if (key === 'branch.head' && value !== '(detached)') {
        status.branch = value;
    } else if (key === 'branch.upstream') {
        status.upstream = value;
    } else if (key === 'branch.ab') {
        const m = /^\+(\d+) -(\d+)$/.exec(value);
        if (m) {
            status.ahead = Number(m[1]);
            status.behind = Number(m[2]);
        }
    }
}

/** The rest of a record after `count` space-separated fields: the path, which may itself hold spaces. */
function fieldsAfter(record: string, count: number): string {
    let at = 0;
    for (let n = 0; n < count; n++) {
        at = record.indexOf(' ', at) + 1;
    }
    return record.slice(at);
}

function tracked(status: RepositoryStatus, xy: string, path: string, originalPath?: string): void {
    const [x, y] = xy;
    if (x !== '.') {
        status.staged.push({ path, originalPath, kind: KINDS[x] ?? 'modified' });
    }
    if (y !== '.') {
        status.changes.push({ path, kind: KINDS[y] ?? 'modified' });
    }
}
