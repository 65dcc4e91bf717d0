import * as grpc from '@grpc/grpc-js';
import express = require('express');
import { checkGitSource, DNS_LABEL, ManagerCallError, SourceProblem, SourceSpec, suggestedId, WorkspaceJson } from '@warren/workspace-api';
import { SessionRecord } from '../auth/auth-store';
import { SessionGuard } from '../auth/session-guard';
import { WorkspaceDirectory, WorkspaceView } from '../directory';
import { WorkspaceHosts } from '../hosts';

/** A workspace as the dashboard shows it. */
export function toJson(ws: WorkspaceView, hosts: WorkspaceHosts): WorkspaceJson {
    return {
        id: ws.id, name: ws.name, className: ws.className, desiredState: ws.desiredState, phase: ws.phase, version: ws.version,
        failureReason: ws.failureReason, conditions: ws.conditions, idleStopsAt: ws.idleStopsAt, progress: ws.progress, source: ws.source, createdAt: ws.createdAt, updatedAt: ws.updatedAt,
        url: `${hosts.workspaceOrigin(ws.tenant, ws.id)}/`, openPath: `/open/${ws.id}`
    };
}

/** The id a name suggests: "My service" → "my-service". */
export function idFromName(name: string): string {
    return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 40).replace(/-+$/, '');
}

/** The repository fields of a new workspace, checked by the one rule of @warren/workspace-api (the manager checks again). */
function sourceOf(body: { repository?: unknown; ref?: unknown; folder?: unknown }): SourceSpec {
    if (body.repository === undefined || body.repository === '') {
        if (body.ref || body.folder) {
            throw new HttpError(400, 'A ref or folder needs a repository: fill in the Repository field, or clear the others.');
        }
        return { kind: 'template' };
    }
    const strings = [body.repository, body.ref ?? '', body.folder ?? ''].every(v => typeof v === 'string');
    if (!strings) {
        throw new HttpError(400, 'repository, ref and folder must be strings.');
    }
    try {
        return checkGitSource({ url: (body.repository as string).trim(), ref: (body.ref as string ?? '').trim(), folder: (body.folder as string ?? '').trim() });
    } catch (err) {
        throw err instanceof SourceProblem ? new HttpError(400, err.message) : err;
    }
}

class HttpError extends Error {
    constructor(readonly status: number, message: string) {
        super(message);
    }
}

const GRPC_TO_HTTP: Partial<Record<grpc.status, number>> = {
    [grpc.status.INVALID_ARGUMENT]: 400, [grpc.status.NOT_FOUND]: 404, [grpc.status.ALREADY_EXISTS]: 409,
    [grpc.status.FAILED_PRECONDITION]: 409, [grpc.status.PERMISSION_DENIED]: 403, [grpc.status.UNAVAILABLE]: 503
};

/** The JSON API the dashboard uses, always within the session's tenant. */
export function workspacesApi(directory: WorkspaceDirectory, hosts: WorkspaceHosts, guard: SessionGuard): express.Router {
    const router = express.Router();
    const tenantOf = (res: express.Response): string => (res.locals.session as SessionRecord).tenant;
    const handle = (fn: (req: express.Request, res: express.Response) => Promise<unknown>): express.RequestHandler => async (req, res) => {
        try {
            await fn(req, res);
        } catch (err) {
            if (err instanceof HttpError) {
                res.status(err.status).json({ error: err.message });
            } else if (err instanceof ManagerCallError) {
                res.status(GRPC_TO_HTTP[err.code] ?? 500).json({ error: err.code === grpc.status.UNAVAILABLE ? 'The workspace manager does not answer: try again in a moment.' : err.details });
            } else {
                throw err;
            }
        }
    };
    const checkId = (id: string): string => {
        if (!DNS_LABEL.test(id)) {
            throw new HttpError(404, `No workspace "${id.slice(0, 64)}".`);
        }
        return id;
    };

    router.get('/classes', handle(async (_req, res) => {
        res.json({ classes: await directory.classes() });
    }));
    router.get('/workspaces', handle(async (_req, res) => {
        res.json({ workspaces: directory.list(tenantOf(res)).map(ws => toJson(ws, hosts)) });
    }));
    router.get('/workspaces/:id', handle(async (req, res) => {
        const ws = directory.get(tenantOf(res), checkId(String(req.params.id)));
        if (!ws) {
            throw new HttpError(404, `No workspace "${req.params.id}".`);
        }
        res.json({ workspace: toJson(ws, hosts) });
    }));
    router.post('/workspaces', handle(async (req, res) => {
        const tenant = tenantOf(res);
        const body = (req.body ?? {}) as { name?: unknown; className?: unknown; id?: unknown; repository?: unknown; ref?: unknown; folder?: unknown };
        const source = sourceOf(body);
        // A repository's name suggests the workspace's.
        const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : source.kind === 'git' ? suggestedId(source.url) : '';
        if (!name || name.length > 100) {
            throw new HttpError(400, 'Give the workspace a name (1 to 100 characters).');
        }
        if (typeof body.className !== 'string' || !body.className) {
            throw new HttpError(400, 'Choose a class for the workspace (className).');
        }
        const id = body.id === undefined || body.id === '' ? idFromName(name) : body.id;
        if (typeof id !== 'string' || !DNS_LABEL.test(id)) {
            throw new HttpError(400, `"${String(id)}" cannot be a workspace id: use lowercase letters, digits and "-", starting with a letter${body.id ? '' : ' (the name must contain a letter)'}.`);
        }
        if (id.length > hosts.maxIdLength(tenant)) {
            throw new HttpError(400, `The id "${id}" is too long for a host name: ids in tenant "${tenant}" have at most ${hosts.maxIdLength(tenant)} characters.`);
        }
        const ws = await directory.create(tenant, { id, name, className: body.className, source });
        res.status(201).json({ workspace: toJson(ws, hosts) });
    }));
    router.post('/workspaces/:id/start', handle(async (req, res) => {
        res.json({ workspace: toJson(await directory.start(tenantOf(res), checkId(String(req.params.id))), hosts) });
    }));
    // {"force": true} stops even if some editors cannot be saved (the StopHeldBack condition names them).
    router.post('/workspaces/:id/stop', handle(async (req, res) => {
        const force = (req.body as { force?: unknown } | undefined)?.force;
        if (force !== undefined && typeof force !== 'boolean') {
            throw new HttpError(400, '"force" must be true or false.');
        }
        res.json({ workspace: toJson(await directory.stop(tenantOf(res), checkId(String(req.params.id)), force === true), hosts) });
    }));
    router.delete('/workspaces/:id', handle(async (req, res) => {
        res.json({ workspace: toJson(await directory.remove(tenantOf(res), checkId(String(req.params.id))), hosts) });
    }));
    router.get('/credentials', handle(async (_req, res) => {
        res.json(await directory.gitCredentials(tenantOf(res)));
    }));
    router.post('/credentials', handle(async (req, res) => {
        const body = (req.body ?? {}) as { host?: unknown; username?: unknown; token?: unknown };
        if (typeof body.host !== 'string' || typeof body.token !== 'string' || (body.username !== undefined && typeof body.username !== 'string')) {
            throw new HttpError(400, 'Send {"host": "github.com", "token": "...", "username": "optional"}.');
        }
        await directory.addGitCredential(tenantOf(res), { host: body.host.trim(), username: (body.username ?? '').trim(), token: body.token.trim() });
        res.json(await directory.gitCredentials(tenantOf(res)));
    }));
    router.delete('/credentials/:host', handle(async (req, res) => {
        await directory.removeGitCredential(tenantOf(res), String(req.params.host));
        res.json(await directory.gitCredentials(tenantOf(res)));
    }));
    // Server-sent events: a snapshot, then every change of the tenant's workspaces, until the session ends.
    router.get('/events', (req, res) => {
        const tenant = tenantOf(res);
        const untrack = guard.track(req.socket, (res.locals.session as SessionRecord).id);
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
        const send = (ws: WorkspaceView, deleted: boolean): void => {
            res.write(`event: workspace\ndata: ${JSON.stringify({ workspace: toJson(ws, hosts), deleted })}\n\n`);
        };
        directory.list(tenant).forEach(ws => send(ws, false));
        const unsubscribe = directory.onChange((ws, deleted) => {
            if (ws.tenant === tenant) {
                send(ws, deleted);
            }
        });
        const ping = setInterval(() => res.write('event: ping\ndata: {}\n\n'), 25_000);
        req.on('close', () => {
            clearInterval(ping);
            unsubscribe();
            untrack();
        });
    });
    return router;
}
