import { checkGitHost, checkGitSource, DNS_LABEL, printable, SourceProblem, SourceSpec, TEMPLATE_SOURCE, tenantProblem } from '@warren/workspace-api';
import { WorkspaceSource__Output } from '@warren/workspace-api/lib/generated/warren/workspace/v1/WorkspaceSource';
import { ApiError } from './api-error';

/** The Go settings a tenant may give a workspace; the rest of its environment is Warren's. */
export const WORKSPACE_GO_ENV = ['GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOFLAGS'];

/** Checks an id before anything touches the store or the disk; the message says what a valid one is. */
export function checkLabel(what: string, value: unknown): string {
    if (typeof value !== 'string' || value === '') {
        throw ApiError.invalid(`${what} is required: a DNS-1123 label such as "my-api" (lower-case letters, digits and '-', starting with a letter, at most 63).`);
    }
    if (!DNS_LABEL.test(value)) {
        throw ApiError.invalid(`${what} "${printable(value)}" is not a DNS-1123 label: use lower-case letters, digits and '-', start with a letter, end with a letter or digit, at most 63 characters.`);
    }
    return value;
}

/** A tenant name: the one rule of @warren/workspace-api (no "--", which splits workspace host names, at most 40). */
export function checkTenant(value: unknown): string {
    const problem = tenantProblem(value);
    if (problem) {
        throw ApiError.invalid(`tenant ${problem}`);
    }
    return value as string;
}

export function checkName(value: unknown, fallback: string): string {
    const name = typeof value === 'string' && value !== '' ? value : fallback;
    if (name.length > 100 || /\p{Cc}/u.test(name)) {
        throw ApiError.invalid('name must be at most 100 characters, without control characters.');
    }
    return name;
}

export function checkGoEnv(value: Record<string, string> | undefined): Record<string, string> {
    const env = value ?? {};
    for (const [key, v] of Object.entries(env)) {
        if (!WORKSPACE_GO_ENV.includes(key)) {
            throw ApiError.invalid(`go_env "${printable(key)}" cannot be set: use ${WORKSPACE_GO_ENV.join(', ')}.`);
        }
        if (v.length > 1024 || /[\r\n\0]/.test(v)) {
            throw ApiError.invalid(`go_env ${key} must be one line of at most 1024 characters.`);
        }
    }
    return env;
}

/** A workspace's source: none or the template, or a git repository whose URL, ref and folder are checked. */
export function checkSource(value: WorkspaceSource__Output | null | undefined): SourceSpec {
    if (!value?.git) {
        return TEMPLATE_SOURCE;
    }
    return asInvalid(() => checkGitSource(value.git!));
}

export function checkHost(value: unknown): string {
    return asInvalid(() => checkGitHost(value));
}

export function checkUsername(value: unknown): string {
    const name = typeof value === 'string' ? value : '';
    if (name.length > 200 || /[\s\p{Cc}:]/u.test(name)) {
        throw ApiError.invalid('username must be at most 200 characters, without spaces, control characters or ":".');
    }
    return name;
}

export function checkToken(value: unknown): string {
    if (typeof value !== 'string' || value === '') {
        throw ApiError.invalid('token is required: a personal access token of the git host (it is sent as the password).');
    }
    if (value.length > 4096 || /[\s\p{Cc}]/u.test(value)) {
        throw ApiError.invalid('token must be one word of at most 4096 characters, without spaces or control characters (was a newline pasted with it?).');
    }
    return value;
}

function asInvalid<T>(check: () => T): T {
    try {
        return check();
    } catch (err) {
        if (err instanceof SourceProblem) {
            throw ApiError.invalid(err.message);
        }
        throw err;
    }
}
