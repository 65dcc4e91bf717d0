import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import { jsonLog } from '@warren/service-support';
import { gatewayApp } from './api/app';
import { AuthStore, Identity, SqliteAuthStore } from './auth/auth-store';
import { CookieNames } from './auth/cookies';
import { SessionGuard } from './auth/session-guard';
import { LoginTokenSignIn, newLoginUrl, PasswordSignIn } from './auth/sign-in';
import { checkTenant, readUsersFile, singleTenantProblem, Users } from './auth/users';
import { WorkspaceDirectory } from './directory';
import { WorkspaceHosts } from './hosts';
import { GatewayMetrics } from './metrics';
import { refuseUpgrade, sendError } from './proxy/responses';
import { WorkspaceProxy } from './proxy/workspace-proxy';
import { trustedProxies } from './trusted-proxies';

export interface GatewayOptions {
    /** gateway.db lives here. */
    dataDir: string;
    /** The address people open, e.g. http://localhost:7080; its host is the base domain of workspace origins. */
    publicUrl: URL;
    /** Where to listen; 127.0.0.1 by default. */
    host?: string;
    port: number;
    directory: WorkspaceDirectory;
    metrics?: GatewayMetrics;
    /** Who the printed login link signs in. */
    owner: Identity;
    usersFile?: string;
    /** PEM files: serve HTTPS directly (or put a TLS-terminating proxy in front and keep this off). */
    tls?: { certFile: string; keyFile: string };
    sessionTtlMs?: number;
    /** Failed sign-ins a minute from one address, whatever the user names (30). */
    signInAttemptsPerAddress?: number;
    /** Failed sign-ins a minute from one address for one user name (10). */
    signInAttemptsPerUser?: number;
    /**
     * The reverse proxies in front (addresses or CIDR ranges, see trustedProxies): the client's address,
     * for the sign-in limits, comes from their X-Forwarded-For, and from nobody else's.
     */
    trustProxy?: string[];
    /**
     * Only this tenant may have users (the owner's, when Warren does not run as root: every IDE then runs
     * as one Unix user); the gateway refuses to start when the users file or gateway.db names another.
     */
    onlyTenant?: string;
    log?: (entry: Record<string, unknown>) => void;
    /** The secret a workspace's IDE wants on every request (the manager's ideSecret); without it IDEs must answer anyone. */
    ideSecret?: (tenant: string, id: string) => string;
}

export interface Gateway {
    /** The public address. */
    url: string;
    /** Where this gateway listens, as seen from this machine. */
    listenUrl: string;
    metrics: GatewayMetrics;
    auth: AuthStore;
    /** A new one-time login link for the owner (for an hour; the older ones stop working). */
    loginUrl(): Promise<string>;
    stop(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

/** The single-tenant rule of options.onlyTenant, over everyone who can sign in. */
async function checkOnlyTenant(onlyTenant: string, owner: Identity, fileUsers: Identity[], auth: AuthStore): Promise<void> {
    const problem = singleTenantProblem(onlyTenant, [owner, ...fileUsers, ...await auth.listUsers()]);
    if (problem) {
        throw new Error(problem);
    }
}

/** How this machine reaches a server listening on host:port (a wildcard address is reached on loopback). */
export function localUrl(host: string, port: number, tls = false): string {
    const reach = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `${tls ? 'https' : 'http'}://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
}

/** Starts the gateway: sign-in, dashboard, API and workspace proxy on one port. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
    const log = options.log ?? jsonLog;
    const hosts = new WorkspaceHosts(options.publicUrl);
    const cookies = new CookieNames(hosts.secure);
    const metrics = options.metrics ?? new GatewayMetrics();
    const trustProxy = options.trustProxy ? trustedProxies(options.trustProxy) : [];
    checkTenant(options.owner.tenant);
    const fileUsers = options.usersFile ? readUsersFile(options.usersFile) : [];
    const auth = new SqliteAuthStore(path.join(options.dataDir, 'gateway.db'));
    if (options.onlyTenant !== undefined) {
        await checkOnlyTenant(options.onlyTenant, options.owner, fileUsers, auth).catch(err => {
            auth.close();
            throw err;
        });
    }
    const users = new Users(auth, fileUsers);
    const guard = new SessionGuard(auth, n => metrics.endedConnections.inc(n), log);
    const app = gatewayApp({
        hosts, auth, guard, cookies, directory: options.directory, metrics, log,
        methods: [new LoginTokenSignIn(auth), new PasswordSignIn(users)],
        sessionTtlMs: options.sessionTtlMs ?? 7 * DAY,
        signInAttemptsPerAddress: options.signInAttemptsPerAddress ?? 30,
        signInAttemptsPerUser: options.signInAttemptsPerUser ?? 10,
        trustProxy
    });
    const proxy = new WorkspaceProxy(hosts, auth, guard, cookies, options.directory, metrics, log, options.ideSecret);

    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        const where = hosts.classify(req.headers.host);
        if (where.kind === 'workspace') {
            proxy.handleRequest(req, res, where.label);
        } else if (where.kind === 'gateway') {
            app(req, res);
        } else if (req.method === 'GET' || req.method === 'HEAD') {
            // Another name for this address (127.0.0.1, a DNS-rebinding name): the canonical one has the cookies.
            res.writeHead(308, { Location: new URL(req.url ?? '/', hosts.origin).toString() }).end();
        } else {
            sendError(req, res, 421, `This is Warren's gateway: use ${hosts.origin}.`);
        }
    };
    const server = options.tls
        ? https.createServer({ cert: fs.readFileSync(options.tls.certFile), key: fs.readFileSync(options.tls.keyFile) }, onRequest)
        : http.createServer(onRequest);
    const upgraded = new Set<net.Socket>();
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        upgraded.add(socket);
        socket.once('close', () => upgraded.delete(socket));
        const where = hosts.classify(req.headers.host);
        if (where.kind === 'workspace') {
            proxy.handleUpgrade(req, socket, head, where.label);
        } else {
            refuseUpgrade(socket, 404, 'No WebSocket here.');
        }
    });
    // Long-lived connections are the point of an IDE; only idle keep-alive sockets time out.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 65_000;

    const host = options.host ?? '127.0.0.1';
    const sweep = setInterval(() => void auth.sweep(), 60 * 60_000);
    sweep.unref();
    try {
        await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(options.port, host, () => resolve());
        });
    } catch (err) {
        server.close();
        guard.close();
        auth.close();
        clearInterval(sweep);
        const e = err as NodeJS.ErrnoException;
        throw new Error(e.code === 'EADDRINUSE'
            ? `Port ${options.port} on ${host} is in use: stop what listens there, or start with --port N.`
            : `The gateway could not start: ${e.message}`);
    }
    const port = (server.address() as net.AddressInfo).port;
    const listenUrl = localUrl(host, port, !!options.tls);
    log({ level: 'info', msg: 'gateway ready', url: hosts.origin, listen: `${host}:${port}` });
    return {
        url: hosts.origin,
        listenUrl,
        metrics,
        auth,
        loginUrl: () => newLoginUrl(auth, hosts.origin, options.owner),
        stop: async () => {
            clearInterval(sweep);
            guard.close();
            proxy.close();
            server.closeAllConnections();
            upgraded.forEach(socket => socket.destroy());
            await new Promise<void>(resolve => server.close(() => resolve()));
            auth.close();
        }
    };
}
