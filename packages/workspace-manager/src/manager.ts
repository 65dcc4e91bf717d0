import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { Registry } from 'prom-client';
import { workspaceService } from './api/workspace-service';
import { DEFAULT_CLASSES, WorkspaceClass } from './classes';
import { jsonLog } from './json-log';
import { ProtoGrpcType } from './generated/workspace';
import { ManagerMetrics } from './metrics';
import { WorkspaceRecord } from './model';
import { LocalProvider } from './providers/local-provider';
import { Reconciler } from './reconciler';
import { SqliteStore } from './store/sqlite-store';

export interface ManagerOptions {
    dataDir: string;
    /** gRPC address; 127.0.0.1 by default: the embedded manager is not exposed by itself. */
    host?: string;
    port: number;
    /** Metrics, health and readiness; 0 picks a free port. */
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
    /** More environment for a workspace's IDE: the gateway gives its address and the workspace's heartbeat token. */
    workspaceEnv?: (ws: WorkspaceRecord) => Record<string, string>;
    /** More metrics served on the same endpoint (the gateway's, when it runs in this process). */
    extraMetrics?: Registry[];
}

export interface Manager {
    address: string;
    metricsAddress: string;
    /** Set on the first start only: the admin token, also written to <data>/admin-token (mode 0600). */
    adminToken?: string;
    store: SqliteStore;
    stop(): Promise<void>;
}

export const PROTO_FILE = path.resolve(__dirname, '..', '..', '..', 'proto', 'warren', 'workspace', 'v1', 'workspace.proto');

/** The same options the generated types assume (proto-loader-gen-types in scripts/build.sh). */
export const PROTO_OPTIONS: protoLoader.Options = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

export function loadProto(): ProtoGrpcType {
    return grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_FILE, PROTO_OPTIONS)) as unknown as ProtoGrpcType;
}

/** Starts the store, the local provider, the reconciler, the gRPC server and the metrics endpoint; all or nothing. */
export async function startManager(options: ManagerOptions): Promise<Manager> {
    const log = options.log ?? jsonLog;
    const host = options.host ?? '127.0.0.1';
    const classes = new Map((options.classes ?? DEFAULT_CLASSES).map(c => [c.name, c]));
    const store = new SqliteStore(path.join(options.dataDir, 'warren.db'));
    const adminToken = firstAdminToken(store, options.dataDir);
    const metrics = new ManagerMetrics(store, options.extraMetrics);
    const provider = new LocalProvider({ dataDir: options.dataDir, templateDir: options.templateDir, workspaceEnv: options.workspaceEnv });
    const reconciler = new Reconciler(store, provider, classes, {
        onError: (ws, err) => { metrics.reconcileErrors.inc(); log({ level: 'warn', msg: 'reconcile failed; retrying', tenant: ws.tenant, workspace: ws.id, error: err.message }); },
        onTransition: (kind, seconds) => metrics.transitions.observe({ kind }, seconds)
    }, { restartCrashed: options.restartCrashed ? { maxRestarts: 3, windowMs: 5 * 60_000 } : undefined });
    reconciler.onDidChange(({ workspace, deleted }) => log({
        level: 'info', msg: deleted ? 'workspace deleted' : 'workspace status', tenant: workspace.tenant, workspace: workspace.id,
        phase: workspace.status.phase, version: workspace.status.version, reason: workspace.status.failureReason
    }));

    const server = new grpc.Server({ 'grpc.max_receive_message_length': options.maxMessageBytes ?? 64 * 1024 });
    server.addService(loadProto().warren.workspace.v1.WorkspaceService.service, workspaceService(store, reconciler, classes, log));
    let metricsServer: http.Server | undefined;
    try {
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        metricsServer = await metrics.listen(options.metricsPort ?? 0, host);
        reconciler.start();
        metrics.setReady(true);
        const metricsPort = (metricsServer.address() as { port: number }).port;
        log({ level: 'info', msg: 'workspace manager ready', grpc: `${host}:${port}`, metrics: `http://${host}:${metricsPort}/metrics` });
        return {
            address: `${host}:${port}`,
            metricsAddress: `http://${host}:${metricsPort}`,
            adminToken,
            store,
            stop: async () => {
                metrics.setReady(false);
                // Watch streams never end by themselves: give calls in flight a moment, then close the rest.
                await new Promise<void>(resolve => {
                    const force = setTimeout(() => { server.forceShutdown(); resolve(); }, 2_000);
                    server.tryShutdown(() => { clearTimeout(force); resolve(); });
                });
                await reconciler.stop();
                await provider.dispose();
                await new Promise<void>(resolve => metricsServer!.close(() => resolve()));
                store.close();
            }
        };
    } catch (err) {
        server.forceShutdown();
        metricsServer?.close();
        store.close();
        const message = (err as Error).message;
        throw new Error(/EADDRINUSE/.test(message)
            ? `The workspace manager could not start: port ${options.port} on ${host} (its gRPC API) or ${options.metricsPort ?? 0} (metrics) is in use. Is another "warren serve" running? Stop it, or pass --grpc-port N / --metrics-port N.`
            : `The workspace manager could not start: ${message}`);
    }
}

/** The first start makes an admin token and writes it where only this user can read it. */
function firstAdminToken(store: SqliteStore, dataDir: string): string | undefined {
    if (store.listTokens().length > 0) {
        return undefined;
    }
    const { token } = store.createToken(undefined, 'first admin token');
    const file = path.join(dataDir, 'admin-token');
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return token;
}
