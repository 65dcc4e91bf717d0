import { printable } from './ids';

/** Where a workspace's files come from: the server's template folder, or a git repository cloned on its first start. */
export type SourceSpec = { kind: 'template' } | GitSourceSpec;

export interface GitSourceSpec {
    kind: 'git';
    /** https://host/path, ssh://[user@]host/path or user@host:path, without credentials. */
    url: string;
    /** A branch, tag or commit; '' for the repository's default branch. */
    ref: string;
    /** A folder inside the repository that the IDE opens; '' for its root. */
    folder: string;
}

export const TEMPLATE_SOURCE: SourceSpec = { kind: 'template' };

/** A git URL taken apart: which credentials it needs (by host) and how it is reached. */
export interface GitRemote {
    transport: 'https' | 'http' | 'ssh';
    /** Host name, with ":port" when one is given: the key of the tenant's credentials. */
    host: string;
    /** The repository's path on the host, without a leading '/' or a trailing ".git". */
    path: string;
}

/** Thrown for a source that cannot be used; the message says what to send instead. */
export class SourceProblem extends Error {}

const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/** Parses a git URL as Warren accepts it; throws a SourceProblem that says what is wrong and what is accepted. */
export function parseGitUrl(url: string): GitRemote {
    const accepted = 'use https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git';
    if (url.length > 2048 || /[\s\p{Cc}]/u.test(url)) {
        throw new SourceProblem(`The repository URL "${printable(url)}" has spaces or control characters: ${accepted}.`);
    }
    const scp = SCP_LIKE.exec(url);
    if (scp) {
        return { transport: 'ssh', host: scp[2].toLowerCase(), path: trimPath(scp[3]) };
    }
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        throw new SourceProblem(`"${printable(url)}" is not a repository URL: ${accepted}.`);
    }
    const transport = parsed.protocol.slice(0, -1);
    if (transport !== 'https' && transport !== 'http' && transport !== 'ssh') {
        throw new SourceProblem(`The repository URL's scheme "${printable(transport)}" is not supported (${transport === 'file' ? 'a workspace cannot read the server\'s files' : 'only https, http and ssh'}): ${accepted}.`);
    }
    if (parsed.password || (transport !== 'ssh' && parsed.username)) {
        throw new SourceProblem('The repository URL has credentials in it, which would be kept in the workspace\'s .git/config: '
            + `remove them, and add a token for ${parsed.host} with "warren credential add ${parsed.host}" or in the dashboard.`);
    }
    if (!parsed.hostname || parsed.search || parsed.hash) {
        throw new SourceProblem(`"${printable(url)}" needs a host and a path, with no query or fragment: ${accepted}.`);
    }
    const repoPath = trimPath(decodeURIComponent(parsed.pathname));
    if (!repoPath) {
        throw new SourceProblem(`"${printable(url)}" names a host but no repository: ${accepted}.`);
    }
    return { transport, host: parsed.host.toLowerCase(), path: repoPath };
}

/** parseGitUrl, or undefined for a URL it refuses (one recorded before, checked already: its host for a message or a lookup). */
export function gitRemoteOf(url: string): GitRemote | undefined {
    try {
        return parseGitUrl(url);
    } catch {
        return undefined;
    }
}

function trimPath(p: string): string {
    return p.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
}

/** Checks a whole git source; throws a SourceProblem. The ref and folder become arguments and paths, so they are strict. */
export function checkGitSource(source: { url: string; ref?: string; folder?: string }): GitSourceSpec {
    parseGitUrl(source.url);
    const ref = source.ref ?? '';
    // git check-ref-format's rules, and no leading '-' (it would be read as an option).
    if (ref && (ref.length > 255 || ref.startsWith('-') || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock')
        || /\.\.|@\{|\/\/|[\s\p{Cc}~^:?*[\\]/u.test(ref))) {
        throw new SourceProblem(`"${printable(ref)}" is not a branch, tag or commit name: use a name such as "main", "v1.2.0" or a commit hash.`);
    }
    const folder = (source.folder ?? '').replace(/^\.\/+/, '').replace(/\/+$/, '');
    if (folder && (folder.length > 1024 || folder.startsWith('/') || folder.split('/').some(part => part === '..' || part === '') || /\p{Cc}|\\/u.test(folder))) {
        throw new SourceProblem(`The folder "${printable(folder)}" must be a relative path inside the repository, such as "services/api", without "..".`);
    }
    return { kind: 'git', url: source.url, ref, folder };
}

/** The workspace id a repository URL suggests: its last path part as a DNS-1123 label ("my-api" for .../My_API.git). */
export function suggestedId(url: string): string {
    const base = gitRemoteOf(url)?.path.split('/').pop() ?? '';
    const label = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').replace(/--+/g, '-').slice(0, 63).replace(/-+$/, '');
    return label;
}

/** A git host as credentials key it: lower case, with ":port" if any; throws a SourceProblem for anything else. */
export function checkGitHost(host: unknown): string {
    if (typeof host !== 'string' || !/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$/i.test(host)) {
        throw new SourceProblem(`"${printable(String(host))}" is not a git host: give its name, with :port when not the default, such as "github.com" or "git.example.com:8443".`);
    }
    return host.toLowerCase();
}
