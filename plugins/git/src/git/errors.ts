/** Why a git command failed, as far as a user can act on it. */
export type GitErrorReason =
    | 'push-rejected'
    | 'no-upstream'
    | 'conflicts'
    | 'auth-failed'
    | 'no-remote'
    | 'nothing-to-commit'
    | 'no-identity'
    | 'not-a-repository'
    | 'unknown';

/** A failed git command: the reason, and git's own words (credentials removed). */
export class GitError extends Error {
    constructor(readonly reason: GitErrorReason, message: string, readonly exitCode?: number, readonly conflicts?: number) {
        super(message);
        this.name = 'GitError';
    }
}

// Checked in order: a rejected push over HTTP also mentions the remote, and a conflict is the first thing to say.
const PATTERNS: [GitErrorReason, RegExp][] = [
    ['no-identity', /Please tell me who you are|Author identity unknown|unable to auto-detect email address|empty ident name/i],
    ['nothing-to-commit', /nothing to commit|no changes added to commit|nothing added to commit/i],
    ['conflicts', /CONFLICT \(|Automatic merge failed|you need to resolve your current index first|unmerged files/i],
    ['push-rejected', /\[rejected\]|non-fast-forward|Updates were rejected|\(fetch first\)/i],
    ['auth-failed', /Authentication failed|could not read Username|could not read Password|terminal prompts disabled|Permission denied \(publickey|Access denied|returned error: 40[13]/i],
    ['no-upstream', /has no upstream branch|no tracking information|no upstream configured/i],
    ['no-remote', /No configured push destination|No remote repository specified|'[^']+' does not appear to be a git repository|No such remote/i],
    ['not-a-repository', /not a git repository/i]
];

/** The reason in git's output (stderr and stdout of the failed command). */
export function reasonOf(output: string): GitErrorReason {
    return PATTERNS.find(([, pattern]) => pattern.test(output))?.[0] ?? 'unknown';
}

/** What to tell the user about a failure: what happened and what to do next. */
export function userMessage(err: unknown): string {
    if (!(err instanceof GitError)) {
        return err instanceof Error ? err.message : String(err);
    }
    switch (err.reason) {
        case 'push-rejected':
            return 'Push rejected: the remote has commits you do not have. Pull first, then push.';
        case 'no-upstream':
            return 'The branch has no upstream branch: push it once with Git: Push to set one (origin/<branch>).';
        case 'conflicts':
            return err.conflicts !== undefined
                ? `Pull stopped with conflicts in ${err.conflicts} file${err.conflicts === 1 ? '' : 's'}: resolve them in Merge Changes, then commit.`
                : 'There are merge conflicts: resolve them in Merge Changes, then commit.';
        case 'auth-failed':
            return 'Authentication failed: the remote refused the credentials (or needs some). Check the remote URL and your access token or key.';
        case 'no-remote':
            return 'This repository has no remote to fetch from or push to: add one with `git remote add origin <url>`.';
        case 'nothing-to-commit':
            return 'Nothing to commit: there are no changes.';
        case 'no-identity':
            return 'Git does not know who you are, so it cannot write the commit\'s author. Set it in a terminal: '
                + '`git config --global user.name "Your Name"` and `git config --global user.email you@example.com`.';
        case 'not-a-repository':
            return 'This folder is not a git repository.';
        default:
            return err.message;
    }
}
