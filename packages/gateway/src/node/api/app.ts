import express = require('express');
import * as path from 'path';
import { printable } from '@warren/workspace-api';
import { AuthStore, Identity, SessionRecord } from '../auth/auth-store';
import { CookieNames } from '../auth/cookies';
import { SessionGuard } from '../auth/session-guard';
import { SignInContext, signInLimiter, SignInMethod } from '../auth/sign-in';
import { WorkspaceDirectory } from '../directory';
import { WorkspaceHosts } from '../hosts';
import { GatewayMetrics } from '../metrics';
import { BODY_LIMIT_BYTES, errorHandler } from './errors';
import { workspacesApi } from './workspaces-api';

export interface AppOptions {
    hosts: WorkspaceHosts;
    auth: AuthStore;
    /** Closes a session's open connections (the event stream here, the proxy's) once it ends. */
    guard: SessionGuard;
    cookies: CookieNames;
    directory: WorkspaceDirectory;
    methods: SignInMethod[];
    metrics: GatewayMetrics;
    sessionTtlMs: number;
    /** Failed sign-ins a minute from one address, whatever the user names. */
    signInAttemptsPerAddress: number;
    /** Failed sign-ins a minute from one address for one user name. */
    signInAttemptsPerUser: number;
    /** The reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client; nobody else's counts. */
    trustProxy: string[];
    log: (entry: Record<string, unknown>) => void;
}

/** Whether a request carries a body: a length above 0, or chunks (which have no Content-Length). */
function hasBody(req: express.Request): boolean {
    return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
}

const PACKAGE = path.resolve(__dirname, '..', '..', '..');
const STATIC = path.join(PACKAGE, 'ui', 'static');
const SCRIPTS = path.join(PACKAGE, 'lib', 'ui');

/** The gateway's own origin: sign-in, the dashboard and its API, and the hand-over to workspace origins. */
export function gatewayApp(o: AppOptions): express.Express {
    const app = express();
    app.disable('x-powered-by');
    if (o.trustProxy.length) {
        app.set('trust proxy', o.trustProxy);
    }
    app.set('etag', 'strong');
    app.use((_req, res, next) => {
        res.set({
            'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            'X-Content-Type-Options': 'nosniff',
            'Referrer-Policy': 'same-origin',
            'X-Frame-Options': 'DENY'
        });
        next();
    });
    app.get('/healthz', (_req, res) => { res.type('text').send('ok\n'); });
    app.use('/static/js', express.static(SCRIPTS, { index: false }));
    app.use('/static', express.static(STATIC, { index: false }));

    // Who is asking: the session cookie, if it is still good.
    app.use(async (req, res, next) => {
        const secret = o.cookies.read(req, o.cookies.session);
        const session = secret ? await o.auth.findSession(secret) : undefined;
        res.locals.session = session && !session.workspace ? session : undefined;
        next();
    });
    // Cross-site request forgery: anything that changes state must come from the gateway's own pages.
    app.use('/api', (req, res, next) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            if (req.headers.origin?.toLowerCase() !== o.hosts.origin) {
                o.metrics.refused.inc({ reason: 'foreign-origin' });
                res.status(403).json({ error: `Refused: the request comes from ${req.headers.origin ?? 'no origin'}, not from ${o.hosts.origin}.` });
                return;
            }
            if (hasBody(req) && !req.is('application/json')) {
                const type = req.headers['content-type'];
                res.status(415).json({ error: `Send the body as JSON, with Content-Type: application/json (not ${type ? printable(type) : 'without a Content-Type'}).` });
                return;
            }
        }
        next();
    });
    app.use('/api', express.json({ limit: BODY_LIMIT_BYTES }));

    const context: SignInContext = {
        limiter: signInLimiter(o.signInAttemptsPerAddress, o.signInAttemptsPerUser),
        metrics: o.metrics,
        complete: async (res: express.Response, who: Identity, method: string) => {
            const secret = await o.auth.createSession(who, method, o.sessionTtlMs);
            res.append('Set-Cookie', o.cookies.set(o.cookies.session, secret, o.sessionTtlMs / 1000));
        }
    };
    const router = express.Router();
    o.methods.forEach(m => m.install(router, context));
    app.use(router);

    const offered = async (): Promise<string[]> => {
        const on = await Promise.all(o.methods.map(m => m.offered()));
        return o.methods.filter((_m, i) => on[i]).map(m => m.id);
    };
    app.get('/api/v1/session', async (_req, res) => {
        const session = res.locals.session as SessionRecord | undefined;
        if (!session) {
            res.status(401).json({ error: 'Not signed in.', methods: await offered() });
            return;
        }
        res.json({ user: session.user, tenant: session.tenant, methods: await offered() });
    });
    app.delete('/api/v1/session', async (_req, res) => {
        const session = res.locals.session as SessionRecord | undefined;
        if (session) {
            await o.auth.deleteSession(session.id);
            // Its IDE connections and event streams go now, not at the next look.
            void o.guard.check();
        }
        res.append('Set-Cookie', o.cookies.set(o.cookies.session, '', 0)).status(204).end();
    });
    app.get('/login', (_req, res) => { res.sendFile(path.join(STATIC, 'login.html')); });

    // Everything below needs a session: scripts get 401, people the sign-in page.
    app.use((req, res, next) => {
        if (res.locals.session) {
            next();
        } else if (req.path.toLowerCase().startsWith('/api/')) {
            o.metrics.refused.inc({ reason: 'no-session' });
            res.status(401).json({ error: 'Not signed in: sign in at /login.' });
        } else {
            res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        }
    });
    app.use('/api/v1', workspacesApi(o.directory, o.hosts, o.guard));
    app.get('/', (_req, res) => { res.sendFile(path.join(STATIC, 'dashboard.html')); });
    app.get('/open/:id', (_req, res) => { res.sendFile(path.join(STATIC, 'open.html')); });
    // The hand-over: a one-minute ticket that the workspace's origin turns into its own cookie.
    app.get('/open/:id/go', async (req, res) => {
        const session = res.locals.session as SessionRecord;
        const ws = o.directory.get(session.tenant, String(req.params.id));
        if (!ws) {
            res.status(404).type('text').send(`No workspace "${req.params.id}".\n`);
            return;
        }
        if (!ws.ideUrl) {
            res.redirect(303, `/open/${ws.id}`);
            return;
        }
        const label = o.hosts.label(ws.tenant, ws.id);
        const ticket = await o.auth.createTicket(session.id, label);
        res.set('Cache-Control', 'no-store').redirect(303, `${o.hosts.workspaceOrigin(ws.tenant, ws.id)}/_warren/auth?ticket=${ticket}`);
    });
    // Where a workspace origin sends a visitor without its cookie: only the session's own tenant resolves.
    app.get('/w/:label', (req, res) => {
        const session = res.locals.session as SessionRecord;
        const id = o.hosts.idOf(String(req.params.label).toLowerCase(), session.tenant);
        if (!id || !o.directory.get(session.tenant, id)) {
            o.metrics.refused.inc({ reason: 'not-found' });
            res.status(404).type('text').send('No such workspace. Open your workspaces from the dashboard.\n');
            return;
        }
        res.redirect(303, `/open/${id}`);
    });
    app.use((_req, res) => { res.status(404).json({ error: 'Not found.' }); });
    app.use(errorHandler(o.log));
    return app;
}
