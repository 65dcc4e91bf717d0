import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
// The module itself, not the package's index (which loads gRPC): the workspace image runs this file (clone-cli.ts).
import { gitRemoteOf, GitSourceSpec } from '@warren/workspace-api/lib/git-source';

/** How a clone runs: the command line around git (a sandbox, or nothing), its environment, and where its output goes. */
export interface CloneRun {
    /** Wraps git's argv (e.g. in the tenant's sandbox); identity when absent. */
    wrap?(argv: string[], cwd: string): string[];
    env: NodeJS.ProcessEnv;
    /** Each progress line git prints ("Receiving objects:  45% (450/1000), 1.2 MiB"). */
    onProgress?(line: string): void;
    signal?: AbortSignal;
}

/** A clone that failed, with words a user can act on. */
export class CloneFailure extends Error {}

/**
 * Clones source into target (an empty folder that exists): the ref checked out, then the folder to
 * open checked. A branch or tag is cloned directly; any other ref (a commit) is checked out after a
 * clone without checkout. Git's own words are kept for the message, classified into the causes a user
 * can fix (authentication, a missing repository or ref, an unreachable host).
 */
export async function cloneInto(source: GitSourceSpec, target: string, run: CloneRun, hasCredential: boolean): Promise<void> {
    const base = ['git', '-c', 'protocol.file.allow=never', '-c', 'core.hooksPath=/dev/null', '-c', 'advice.detachedHead=false'];
    const clone = (extra: string[]): Promise<string> => git(run, [...base, 'clone', '--progress', ...extra, '--', source.url, target], target);
    if (!source.ref) {
        await clone([]).catch(err => { throw explain(err, source, hasCredential); });
    } else {
        try {
            await clone(['--branch', source.ref]);
        } catch (err) {
            if (!/Remote branch .* not found/.test((err as Error).message)) {
                throw explain(err, source, hasCredential);
            }
            // Not a branch or tag: a commit, perhaps.
            await clone(['--no-checkout']).catch(e => { throw explain(e, source, hasCredential); });
            await git(run, [...base, '-C', target, 'checkout', '--quiet', '--detach', source.ref, '--'], target)
                .catch(() => { throw new CloneFailure(refMissing(source)); });
        }
    }
    if (source.folder) {
        const stat = await fs.promises.stat(path.join(target, source.folder)).catch(() => undefined);
        if (!stat?.isDirectory()) {
            throw new CloneFailure(`The folder "${source.folder}" is not in ${source.url}${source.ref ? ` at ${source.ref}` : ''}: `
                + 'create the workspace again with a folder that exists, or none to open the whole repository.');
        }
    }
}

/**
 * Clones into staging (an empty folder that exists, made ready by the caller: the sandbox's user owns it)
 * and renames it to target once complete. On any failure, a cancel included, staging is removed and a
 * CloneFailure thrown: nothing half-cloned stays, and nothing looks like the workspace's files.
 */
export async function cloneAndPlace(source: GitSourceSpec, staging: string, target: string, run: CloneRun, hasCredential: boolean): Promise<void> {
    try {
        await cloneInto(source, staging, run, hasCredential);
        if (run.signal?.aborted) {
            throw new CloneFailure('The clone was cancelled.');
        }
        await fs.promises.rename(staging, target);
    } catch (err) {
        await fs.promises.rm(staging, { recursive: true, force: true }).catch(() => undefined);
        throw err instanceof CloneFailure ? err : new CloneFailure(`The clone failed: ${(err as Error).message}`);
    }
}

function git(run: CloneRun, argv: string[], cwd: string): Promise<string> {
    const [command, ...args] = run.wrap ? run.wrap(argv, cwd) : argv;
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, env: run.env, stdio: ['ignore', 'ignore', 'pipe'], signal: run.signal });
        let output = '';
        let partial = '';
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => {
            output = (output + chunk).slice(-16_384);
            // git rewrites its progress line with \r; each piece is the latest state.
            const pieces = (partial + chunk).split(/[\r\n]/);
            partial = pieces.pop() ?? '';
            const last = pieces.map(p => p.trim()).filter(p => /^(remote: )?[A-Z][a-z]+ [a-z]+:/.test(p) || /^Cloning into/.test(p)).pop();
            if (last) {
                // "Cloning into '<a folder of the server>'..." names a path nobody needs to see.
                run.onProgress?.(/^Cloning into/.test(last) ? 'Cloning' : last.replace(/^remote: /, '').replace(/,\s*done\.$/, ', done'));
            }
        });
        child.once('error', err => reject(new Error(err.name === 'AbortError' ? 'the clone was cancelled' : `git could not run: ${err.message}`)));
        child.once('close', (code, signal) => {
            if (code === 0) {
                resolve(output);
            } else {
                reject(new Error(output.trim() || `git ended with ${signal ?? `exit code ${code}`}`));
            }
        });
    });
}

/** git's stderr, classified into what the user can do about it. */
export function explain(err: unknown, source: GitSourceSpec, hasCredential: boolean): CloneFailure {
    const text = (err as Error).message;
    const fatal = text.split('\n').map(l => l.trim()).filter(l => /^(fatal|error|remote|ERROR):/.test(l) && !/^remote: (Enumerating|Counting|Compressing|Total)/.test(l))
        .map(l => l.replace(/^fatal: /, '')).slice(-2).join(' ') || text.split('\n').pop() || text;
    const remote = gitRemoteOf(source.url);
    const host = remote?.host ?? source.url;
    if (/cancelled/.test(text)) {
        return new CloneFailure('The clone was cancelled.');
    }
    if (remote?.transport === 'ssh' && /Permission denied \(publickey|Host key verification failed|no such identity/i.test(text)) {
        return new CloneFailure(/Host key verification/.test(text)
            ? `${host}'s SSH host key is not known to this workspace (${fatal}): clone it over https with a token instead.`
            : `${host} refused the tenant's SSH key (${fatal}): add the public key shown in the dashboard (Git credentials) to your account on ${host}.`);
    }
    if (/Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP Basic: Access denied|returned error: 40[13]|\b403\b|Invalid username or password/i.test(text)) {
        return new CloneFailure(hasCredential
            ? `Authentication failed for ${host}: the token kept for ${host} was refused. Replace it in the dashboard (Git credentials) or with "warren credential add ${host}", with one that can read ${source.url}.`
            : `Authentication failed for ${host}: the tenant has no token for it. Add one in the dashboard (Git credentials) or with "warren credential add ${host}", then start the workspace again.`);
    }
    if (/Remote branch .* not found|couldn't find remote ref/i.test(text)) {
        return new CloneFailure(refMissing(source));
    }
    if (/Repository not found|not found|does not appear to be a git repository|returned error: 404|\b404\b|does not exist/i.test(text)) {
        return new CloneFailure(`Repository ${source.url} not found (${fatal}): check the URL${hasCredential ? ', and that the token can see it' : '; a private repository also looks missing without a token'}.`);
    }
    if (/Could not resolve host|Connection refused|Connection timed out|Failed to connect|Network is unreachable|No route to host|Operation timed out|Could not read from remote/i.test(text)) {
        return new CloneFailure(`Cannot reach ${host} (${fatal}): check the URL, and that this Warren server can reach ${host}.`);
    }
    if (/No space left on device/i.test(text)) {
        return new CloneFailure(`The workspace's disk is full (${fatal}): the repository does not fit.`);
    }
    return new CloneFailure(`git clone of ${source.url} failed: ${fatal}`);
}

function refMissing(source: GitSourceSpec): string {
    return `The ref "${source.ref}" is not in ${source.url}: use a branch, tag or commit that exists ("git ls-remote ${source.url}" lists the branches and tags).`;
}

