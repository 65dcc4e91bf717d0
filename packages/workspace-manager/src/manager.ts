import * as grpc from '@grpc/grpc-js';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { Registry } from 'prom-client';
import { GIT_CREDENTIAL_PATH, GIT_SSH_KEY_PATH, HEARTBEAT_PATH, IDE_ENV, loadProto, parseWorkspaceKey, WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { Intents } from './api/intents';
import { workspaceService } from './api/workspace-service';
import { DEFAULT_CLASSES, WorkspaceClass } from './classes';
import { CredentialEndpointDeps, gitCredentialHandler, gitSshKeyHandler } from './credentials/credential-endpoint';
import { CredentialStore } from './credentials/credential-store';
import { FileSecrets } from './credentials/file-secrets';
import { heartbeatHandler } from './ide/heartbeat-endpoint';
import { listenForWorkspaces } from './ide/workspace-endpoint';
import { IdeClient } from './ide/ide-client';
import { WorkspaceTokens, writeSecretFile } from './ide/workspace-tokens';
import { jsonLog } from '@warren/service-support';
import { IdleClock, IdleOptions } from './lifecycle/idle-clock';
import { ManagerMetrics } from './metrics';
import { LocalProvider } from './providers/local-provider';
import { Provider } from './providers/provider';
import { ClusterBackend, KubernetesModeOptions, LEASE_NAME, openCluster } from './kubernetes/cluster-mode';
import { KubernetesProvider } from './kubernetes/kubernetes-provider';
import { LeaderElector } from './kubernetes/leader-election';
import { Reconciler, ReconcilerOptions } from './reconciler';
import { ChangeFeed, StoreFeed } from './store/store-feed';
import { SqliteStore } from './store/sqlite-store';
import { TokenStore, WorkspaceStore } from './store/workspace-store';

export interface ManagerOptions {
    dataDir: string;
    /** gRPC and HTTP address; 127.0.0.1 by default: the embedded manager is not exposed by itself. */
    host?: string;
    port: number;
    /** Metrics, health and readiness; 0 picks a free port. (IDEs' heartbeats have a loopback port of their own.) */
    metricsPort?: number;
    classes?: WorkspaceClass[];
    /** Files new workspaces start with. */
    templateDir?: string;
    /** One JSON object a line. */
    log?: (entry: Record<string, unknown>) => void;
    /** Largest request accepted, in bytes. */
    maxMessageBytes?: number;
    /** Restart crashed IDEs (at most 3 times in 5 minutes) instead of marking them failed. */
    restartCrashed?: boolean;
    /** Idle stop; false turns it off. */
    idle?: IdleOptions | false;
    /** How often IDEs send heartbeats while something happens; default 60 s. */
    heartbeatSeconds?: number;
    /** Tuning of the reconciler (tests and benchmarks). */
    reconciler?: Omit<ReconcilerOptions, 'restartCrashed' | 'idleStopsAt'>;
    /** More metrics served on the same endpoint (the gateway's, when it runs in this process). */
    extraMetrics?: Registry[];
    /** Each tenant's IDEs as its own Unix user in a sandbox; default: when run as root (doc/security.md). */
    sandbox?: boolean;
    /** Only this tenant may run workspaces: set where IDEs are not sandboxed. */
    onlyTenant?: string;
    /** Each tenant's workspaces read a shared Go build cache (local provider; default on; doc/go-build-cache.md). */
    sharedGoCache?: boolean;
    /** Ports of this machine's loopback that sandboxed workspaces may reach besides the manager's (a git server or module proxy here). */
    workspaceHostPorts?: number[];
    /** Cluster mode: workspaces as pods, the Workspace resource as the store, a Lease for the reconciler (doc/cluster.md). */
    kubernetes?: KubernetesModeOptions;
}

export interface Manager {
    address: string;
    /** Metrics, health and readiness. */
    metricsAddress: string;
    /** Where IDEs send heartbeats (WARREN_ACTIVITY_URL): a loopback port of its own, the one a sandbox reaches. */
    activityAddress: string;
    /** Set on the first start only: the admin token, also written to <data>/admin-token (mode 0600). */
    adminToken?: string;
    store: WorkspaceStore;
    tokens: TokenStore;
    /** The secret a workspace's IDE wants on every request (the gateway's proxy adds it). */
    ideSecret(tenant: string, id: string): string;
    /** Stops serving and reconciling. Running IDEs keep running: the next start adopts them (doc/lifecycle.md). */
    stop(): Promise<void>;
}

/** The key that signs workspace tokens (named for where it began: running IDEs keep their tokens). */
export const WORKSPACE_KEY_FILE = 'gateway-key';

/** The data folder holds secrets and databases: this user's alone (0700), or an error that says what to do. */
function makePrivateDir(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
        fs.chmodSync(dir, 0o700);
    } catch (err) {
        throw new Error(`cannot make the data folder ${dir} private (${(err as NodeJS.ErrnoException).code}): it belongs to another user, `
            + `as a volume's root does on Kubernetes. Use a folder inside it, such as ${path.join(dir, 'data')}, which Warren makes itself.`);
    }
}

/** Starts the store, the provider, the reconciler, the gRPC server and the HTTP endpoint; all or nothing. */
export async function startManager(options: ManagerOptions): Promise<Manager> {
    const log = options.log ?? jsonLog;
    const host = options.host ?? '127.0.0.1';
    const classes = new Map((options.classes ?? DEFAULT_CLASSES).map(c => [c.name, c]));
    makePrivateDir(options.dataDir);
    const server = new grpc.Server({ 'grpc.max_receive_message_length': options.maxMessageBytes ?? 64 * 1024 });
    let httpServer: http.Server | undefined;
    let heartbeatServer: http.Server | undefined;
    let heartbeatPort = 0;
    let cluster: ClusterBackend | undefined;
    let sqlite: SqliteStore | undefined;
    let elector: LeaderElector | undefined;
    try {
        if (options.kubernetes) {
            cluster = await openCluster(options.kubernetes, () => heartbeatPort, log);
        } else {
            sqlite = new SqliteStore(path.join(options.dataDir, 'warren.db'));
        }
        const store: WorkspaceStore = cluster?.store ?? sqlite!;
        const tokens: TokenStore = cluster?.tokens ?? sqlite!;
        const adminToken = await firstAdminToken(tokens, options.dataDir);
        const workspaceTokens = cluster ? new WorkspaceTokens(cluster.key)
            : WorkspaceTokens.fromFile(path.join(options.dataDir, WORKSPACE_KEY_FILE), msg => log({ level: 'warn', msg }));
        const ide = new IdeClient(workspaceTokens);
        const intents = new Intents(store);
        const metrics = new ManagerMetrics(store, options.extraMetrics, classes);
        let idle: IdleClock | undefined;
        let reconciler: Reconciler | undefined;
        // Activity counts where the idle clock runs (the leader); a follower writes it on the Workspace, at most every 30 s.
        const recorded = new Map<WorkspaceKey, number>();
        const touch = (key: WorkspaceKey): void => {
            if (reconciler || !cluster) {
                idle?.touch(key);
            } else if ((recorded.get(key) ?? 0) < Date.now() - 30_000) {
                recorded.set(key, Date.now());
                const { tenant, id } = parseWorkspaceKey(key);
                cluster.store.recordActivity(tenant, id).catch(err => log({ level: 'warn', msg: 'could not record activity', workspace: key, error: (err as Error).message }));
            }
        };
        cluster?.store.onActivity(key => idle?.touch(key));
        // Listening before anything starts: IDEs launched at once need to know where to send heartbeats.
        httpServer = await metrics.listen(options.metricsPort ?? 0, host);
        const httpPort = (httpServer.address() as { port: number }).port;
        // Embedded: always on loopback, the one port a sandboxed IDE reaches. Cluster: where pods reach it.
        const [beatHost, beatPort] = cluster ? splitHostPort(options.kubernetes!.settings.heartbeatListen) : ['127.0.0.1', 0];
        const credentials = cluster?.credentials ?? new CredentialStore(new FileSecrets(options.dataDir));
        const asked: CredentialEndpointDeps = { tokens: workspaceTokens, credentials, log, exists: async (tenant, id) => Boolean(await store.getWorkspace(tenant, id)) };
        heartbeatServer = await listenForWorkspaces(beatHost, {
            [HEARTBEAT_PATH]: heartbeatHandler(workspaceTokens, beat => touch(workspaceKey(beat))),
            [GIT_CREDENTIAL_PATH]: gitCredentialHandler(asked),
            [GIT_SSH_KEY_PATH]: gitSshKeyHandler(asked)
        }, beatPort);
        heartbeatPort = (heartbeatServer.address() as { port: number }).port;
        const activityUrl = cluster ? options.kubernetes!.settings.heartbeatUrl ?? `http://${beatHost}:${heartbeatPort}` : `http://127.0.0.1:${heartbeatPort}`;
        const heartbeatSeconds = options.heartbeatSeconds ?? 60;
        const provider: Provider = cluster ? new KubernetesProvider({
            kube: cluster.kube, settings: options.kubernetes!.settings, namespaces: cluster.namespaces, classes,
            ownerUid: ref => cluster!.store.uidOf(ref.tenant, ref.id), ideSecret: ref => workspaceTokens.ideSecret(ref.tenant, ref.id),
            token: ref => workspaceTokens.token(ref.tenant, ref.id), activityUrl: () => activityUrl, heartbeatSeconds, log,
            hasGitCredential: async (tenant, host) => Boolean(await credentials.lookup(tenant, host))
        }) : new LocalProvider({
            dataDir: options.dataDir, templateDir: options.templateDir, sandbox: options.sandbox, onlyTenant: options.onlyTenant, sharedGoCache: options.sharedGoCache,
            secretOf: ws => workspaceTokens.ideSecret(ws.tenant, ws.id), hostPorts: [heartbeatPort, ...options.workspaceHostPorts ?? []],
            hasGitCredential: async (tenant, host) => Boolean(await credentials.lookup(tenant, host)),
            workspaceEnv: ws => ({
                [IDE_ENV.activityUrl]: activityUrl,
                [IDE_ENV.token]: workspaceTokens.token(ws.tenant, ws.id),
                [IDE_ENV.workspace]: workspaceKey(ws),
                [IDE_ENV.heartbeatSeconds]: String(heartbeatSeconds)
            })
        });
        await provider.prepare?.();
        // Whichever reconciler runs now (a new one each time this replica gains the lease) tells watch streams through this.
        const reconcilerChanges = new EventEmitter().setMaxListeners(0);
        const makeReconciler = (): Reconciler => {
            const r = new Reconciler(store, provider, classes, ide, {
                onError: (key, err) => { metrics.reconcileErrors.inc(); log({ level: 'warn', msg: 'reconcile failed; retrying', workspace: key, error: err.message }); },
                onTransition: (kind, seconds) => metrics.transitions.observe({ kind }, seconds),
                onStopHeldBack: () => metrics.stopsHeldBack.inc(),
                log
            }, {
                // A pod's image pull and volume mount come before the IDE's own start.
                // The API server, not this machine, does the work of a start: more of them at once.
                // Informers wake it on every change, so it polls a start less often and resyncs seldom.
                ...(cluster ? { startTimeoutMs: 300_000, concurrency: 32, startPollMs: 1_000, resyncMs: 30_000 } : {}),
                ...options.reconciler,
                restartCrashed: options.restartCrashed ? { maxRestarts: 3, windowMs: 5 * 60_000 } : undefined,
                idleStopsAt: key => idle?.idleStopsAt(key)
            });
            r.onDidChange(change => reconcilerChanges.emit('change', change));
            r.onDidChange(({ workspace, deleted }) => log({
                level: 'info', msg: deleted ? 'workspace deleted' : 'workspace status', tenant: workspace.tenant, workspace: workspace.id,
                phase: workspace.status.phase, version: workspace.status.version, reason: workspace.status.failureReason
            }));
            return r;
        };
        if (options.idle !== false) {
            idle = new IdleClock({
                workspaces: () => reconciler?.known() ?? [],
                timeoutSecondsOf: name => classes.get(name)?.idleTimeoutSeconds,
                warn: async (ws, stopsInSeconds) => {
                    if (ws.status.url) {
                        await ide.warnIdle(ws, ws.status.url, stopsInSeconds);
                    }
                },
                stop: async ws => {
                    await intents.setDesired(ws.tenant, ws.id, 'stopped');
                    metrics.idleStops.inc();
                },
                resume: async ws => { await intents.setDesired(ws.tenant, ws.id, 'running'); },
                changed: key => reconciler?.enqueue(key),
                log
            }, options.idle);
        }
        const storeFeed = cluster ? new StoreFeed(store) : undefined;
        // The reconciler (and the idle clock, which acts through it) runs where the lease is held; every replica serves the API.
        let running: Promise<void> = Promise.resolve();
        const lead = (): void => {
            running = running.then(async () => {
                reconciler = makeReconciler();
                await reconciler.start();
                idle?.start();
            });
        };
        const stepDown = (): void => {
            running = running.then(async () => {
                idle?.stop();
                const r = reconciler;
                reconciler = undefined;
                await r?.stop();
            });
        };
        if (cluster && options.kubernetes!.leaderElection !== false) {
            elector = new LeaderElector(cluster.kube, {
                namespace: options.kubernetes!.settings.controlPlaneNamespace, name: LEASE_NAME, identity: options.kubernetes!.identity,
                leaseSeconds: options.kubernetes!.leaseSeconds, onStartedLeading: lead, onStoppedLeading: stepDown, log
            });
        } else {
            lead();
        }
        const feed: ChangeFeed = storeFeed ?? {
            onDidChange: listener => {
                reconcilerChanges.on('change', listener);
                return () => reconcilerChanges.off('change', listener);
            }
        };

        server.addService(loadProto().warren.workspace.v1.WorkspaceService.service, workspaceService({
            store, tokens, intents, feed, classes, credentials, log, touch: (tenant, id) => touch(workspaceKey({ tenant, id }))
        }));
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        await running;
        elector?.start();
        metrics.setReady(true);
        log({
            level: 'info', msg: 'workspace manager ready', grpc: `${host}:${port}`, metrics: `http://${host}:${httpPort}/metrics`,
            provider: provider.name, ...(cluster ? { cluster: cluster.kube.server, heartbeats: activityUrl } : {})
        });
        const opened = httpServer;
        const beats = heartbeatServer;
        return {
            address: `${host}:${port}`,
            metricsAddress: `http://${host}:${httpPort}`,
            activityAddress: activityUrl,
            adminToken,
            store,
            tokens,
            ideSecret: (tenant, id) => workspaceTokens.ideSecret(tenant, id),
            stop: async () => {
                metrics.setReady(false);
                // Watch streams never end by themselves: give calls in flight a moment, then close the rest.
                await new Promise<void>(resolve => {
                    const force = setTimeout(() => { server.forceShutdown(); resolve(); }, 2_000);
                    server.tryShutdown(() => { clearTimeout(force); resolve(); });
                });
                await elector?.stop();
                stepDown();
                await running;
                storeFeed?.dispose();
                await provider.dispose();
                await new Promise<void>(resolve => opened.close(() => resolve()));
                await new Promise<void>(resolve => beats.close(() => resolve()));
                cluster?.store.stop();
                sqlite?.close();
            }
        };
    } catch (err) {
        server.forceShutdown();
        httpServer?.close();
        heartbeatServer?.close();
        await elector?.stop();
        cluster?.store.stop();
        sqlite?.close();
        const message = (err as Error).message;
        throw new Error(/EADDRINUSE/.test(message)
            ? `The workspace manager could not start: port ${options.port} on ${host} (its gRPC API) or ${options.metricsPort ?? 0} (metrics) is in use. Is another "warren serve" running? Stop it, or pass --grpc-port N / --metrics-port N.`
            : `The workspace manager could not start: ${message}`);
    }
}

function splitHostPort(listen: string): [string, number] {
    const colon = listen.lastIndexOf(':');
    return [listen.slice(0, colon), Number(listen.slice(colon + 1))];
}

/** The first start makes an admin token and writes it where only this user can read it. */
async function firstAdminToken(store: TokenStore, dataDir: string): Promise<string | undefined> {
    if ((await store.listTokens()).length > 0) {
        return undefined;
    }
    const { token } = await store.createToken(undefined, 'first admin token');
    writeSecretFile(path.join(dataDir, 'admin-token'), `${token}\n`);
    return token;
}
