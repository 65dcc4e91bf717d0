// The gateway's HTTP API as the pages use it: JSON over same-origin fetch, errors as ApiError.
// Session cookies are HttpOnly: this code never reads or writes them.

import type { GitCredentialsView, WorkspaceEventJson, WorkspaceJson } from '@warren/workspace-api/lib/json';
import type { Phase } from '@warren/workspace-api/lib/phase';

export type { Phase };
/** A workspace as the gateway's JSON carries it: one definition, in @warren/workspace-api. */
export type Workspace = WorkspaceJson;
export type WorkspaceEvent = WorkspaceEventJson;
export type { GitCredentialsView };

export interface WorkspaceClass {
    name: string;
    description: string;
    cpu: string;
    memory: string;
    disk: string;
    gpuResource: string;
    gpuCount: number;
    idleTimeoutSeconds: number;
}

export interface Session {
    user: string;
    tenant: string;
    methods: string[];
}

/** A refused or failed request; `message` is written for a person. */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
        /** The decoded JSON body, when there was one. */
        readonly body: Record<string, unknown> = {},
        /** Seconds from a Retry-After header. */
        readonly retryAfterSeconds?: number
    ) {
        super(message);
    }
}

export interface RequestOptions {
    /** Return a 401 as an ApiError instead of going to the sign-in page (the sign-in page itself). */
    allowUnauthorized?: boolean;
}

/** Sends a request to the API; resolves with the decoded JSON body, or undefined for 204. A mutation without a body sends `{}`. */
export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
        // The gateway takes mutations only as JSON (a cross-site form cannot send that), bodyless ones included.
        init.headers = { ...init.headers, 'Content-Type': 'application/json' };
        init.body = JSON.stringify(body ?? {});
    }
    let response: Response;
    try {
        response = await fetch(path, init);
    } catch {
        throw new ApiError(0, 'Could not reach Warren. Check the connection and try again.');
    }
    const decoded = await readJson(response);
    if (response.ok) {
        return decoded as T;
    }
    if (response.status === 401 && !options.allowUnauthorized) {
        goToSignIn();
        // The page is going away: settle never, so that nothing flashes an error meanwhile.
        return new Promise<T>(() => undefined);
    }
    const message = typeof decoded?.error === 'string' && decoded.error
        ? decoded.error
        : `The request failed (${response.status} ${response.statusText}).`;
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError(response.status, message, decoded ?? {}, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
    if (response.status === 204 || !response.headers.get('Content-Type')?.includes('json')) {
        return undefined;
    }
    try {
        return await response.json() as Record<string, unknown>;
    } catch {
        return undefined;
    }
}

export function goToSignIn(): void {
    const next = location.pathname + location.search;
    location.assign(`/login?next=${encodeURIComponent(next)}`);
}

export async function listWorkspaces(): Promise<Workspace[]> {
    return (await request<{ workspaces: Workspace[] }>('GET', '/api/v1/workspaces')).workspaces;
}

export async function workspaceAction(id: string, action: 'start' | 'stop', body?: { force: boolean }): Promise<Workspace> {
    return (await request<{ workspace: Workspace }>('POST', `/api/v1/workspaces/${encodeURIComponent(id)}/${action}`, body)).workspace;
}

/** The condition that says a stop waits for editors that could not be saved, without its name. */
export function stopHeldBack(workspace: Workspace): string | undefined {
    return workspace.conditions.find(c => c.startsWith('StopHeldBack: '))?.slice('StopHeldBack: '.length);
}

/** Ends the session and goes to the sign-in page; an already ended session is fine. */
export async function signOut(): Promise<void> {
    try {
        await request<void>('DELETE', '/api/v1/session', undefined, { allowUnauthorized: true });
    } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) {
            throw error;
        }
    }
    location.assign('/login');
}

/** Phases in which the workspace is on its way somewhere: shown with a spinner. */
export const busyPhases: readonly Phase[] = ['pending', 'creating', 'starting', 'stopping', 'deleting'];

export const phaseLabels: Record<Phase, string> = {
    pending: 'Pending',
    creating: 'Creating',
    starting: 'Starting',
    running: 'Running',
    stopping: 'Stopping',
    stopped: 'Stopped',
    failed: 'Failed',
    deleting: 'Deleting'
};
