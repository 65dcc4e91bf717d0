import * as os from 'os';
import * as path from 'path';
import { freePort } from '@warren/ide-launcher';
import { Manager, ManagerOptions, startManager } from '@warren/workspace-manager';
import { Identity } from './auth/auth-store';
import { USER_NAME } from './auth/users';
import { ManagerDirectory } from './directory';
import { Gateway, GatewayOptions, localUrl, startGateway } from './gateway';
import { WorkspaceTokens } from './idle/workspace-token';
import { GatewayMetrics } from './metrics';

export interface ControlPlaneOptions extends Omit<ManagerOptions, 'workspaceEnv' | 'extraMetrics' | 'port'> {
    /** The manager's gRPC port (7400 by default in the CLI; 0 picks one). */
    managerPort: number;
    /** The gateway's port; 0 picks one. */
    gatewayPort: number;
    gatewayHost?: string;
    /** Default http://localhost:<gateway port>. */
    publicUrl?: string;
    owner?: Identity;
    usersFile?: string;
    idle?: GatewayOptions['idle'];
    tls?: GatewayOptions['tls'];
    trustProxy?: boolean;
    /** How often IDEs send heartbeats while something happens; default 60 s. */
    heartbeatSeconds?: number;
}

export interface ControlPlane {
    manager: Manager;
    gateway: Gateway;
    stop(): Promise<void>;
}

const GATEWAY_TOKEN = 'warren gateway (internal)';

/** Who the login link signs in when nobody says: this machine's user, in tenant "default". */
export function defaultOwner(): Identity {
    const name = os.userInfo().username.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
    return { user: USER_NAME.test(name) ? name : 'owner', tenant: 'default' };
}

/**
 * The embedded control plane in one process: the workspace manager (gRPC, reconciler, local
 * provider) and the gateway in front of it, which talks to it over gRPC like any client would.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
    const gatewayPort = options.gatewayPort || await freePort();
    const publicUrl = new URL(options.publicUrl ?? `http://localhost:${gatewayPort}`);
    const tokens = WorkspaceTokens.fromFile(path.join(options.dataDir, 'gateway-key'));
    const metrics = new GatewayMetrics();
    // Decided before the manager starts, which may start IDEs at once (workspaces that ran before a restart).
    const heartbeatPort = options.tls ? await freePort() : gatewayPort;
    const heartbeatUrl = localUrl(options.tls ? '127.0.0.1' : options.gatewayHost ?? '127.0.0.1', heartbeatPort);
    const manager = await startManager({
        ...options,
        port: options.managerPort,
        extraMetrics: [metrics.registry],
        // What a workspace's IDE needs to send heartbeats and to be told it is idle.
        workspaceEnv: ws => ({
            WARREN_GATEWAY_URL: heartbeatUrl,
            WARREN_WORKSPACE_TOKEN: tokens.token(ws.tenant, ws.id),
            WARREN_WORKSPACE: `${ws.tenant}/${ws.id}`,
            WARREN_HEARTBEAT_SECONDS: String(options.heartbeatSeconds ?? 60)
        })
    });
    try {
        // A fresh admin token for the gateway each start; the last start's is revoked.
        manager.store.listTokens().filter(t => t.description === GATEWAY_TOKEN).forEach(t => manager.store.revokeToken(t.id));
        const { token } = manager.store.createToken(undefined, GATEWAY_TOKEN);
        const directory = new ManagerDirectory(manager.address, token, options.log ?? (() => undefined));
        await directory.open();
        const gateway = await startGateway({
            dataDir: options.dataDir, publicUrl, host: options.gatewayHost, port: gatewayPort, directory, tokens, metrics,
            owner: options.owner ?? defaultOwner(), usersFile: options.usersFile, idle: options.idle, tls: options.tls,
            heartbeatPort: options.tls ? heartbeatPort : undefined, trustProxy: options.trustProxy, log: options.log
        }).catch(err => {
            directory.close();
            throw err;
        });
        return {
            manager,
            gateway,
            stop: async () => {
                await gateway.stop();
                directory.close();
                await manager.stop();
            }
        };
    } catch (err) {
        await manager.stop();
        throw err;
    }
}
