import * as os from 'os';
import { freePort } from '@warren/ide-launcher';
import { Gateway, GatewayOptions, GatewayMetrics, Identity, ManagerDirectory, startGateway, USER_NAME } from '@warren/gateway';
import { Manager, ManagerOptions, startManager } from '@warren/workspace-manager';

export interface ControlPlaneOptions extends Omit<ManagerOptions, 'extraMetrics' | 'port'> {
    /** The manager's gRPC port (7400 by default in the CLI; 0 picks one). */
    managerPort: number;
    /** The gateway's port; 0 picks one. */
    gatewayPort: number;
    gatewayHost?: string;
    /** Default http://localhost:<gateway port>. */
    publicUrl?: string;
    owner?: Identity;
    usersFile?: string;
    tls?: GatewayOptions['tls'];
    /** The reverse proxies in front, as addresses or CIDR ranges (GatewayOptions.trustProxy). */
    trustProxy?: string[];
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
 * provider, idle clock) and the gateway in front of it, which talks to it over gRPC like any
 * client would and makes no lifecycle decisions of its own.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
    const gatewayPort = options.gatewayPort || await freePort();
    const publicUrl = new URL(options.publicUrl ?? `http://localhost:${gatewayPort}`);
    const metrics = new GatewayMetrics();
    const owner = options.owner ?? defaultOwner();
    // As an ordinary user every IDE runs as that user: only the owner's tenant may have workspaces (doc/security.md).
    const onlyTenant = process.getuid?.() === 0 || options.kubernetes ? undefined : owner.tenant;
    const manager = await startManager({ ...options, port: options.managerPort, extraMetrics: [metrics.registry], onlyTenant });
    try {
        // A fresh admin token for the gateway each start; the last start's is revoked (per host: replicas share the token store).
        const description = `${GATEWAY_TOKEN} on ${options.kubernetes?.identity ?? os.hostname()}`;
        for (const t of (await manager.tokens.listTokens()).filter(t => t.description === description || t.description === GATEWAY_TOKEN)) {
            await manager.tokens.revokeToken(t.id);
        }
        const { token } = await manager.tokens.createToken(undefined, description);
        const directory = new ManagerDirectory(manager.address, token, options.log ?? (() => undefined));
        await directory.open();
        const gateway = await startGateway({
            dataDir: options.dataDir, publicUrl, host: options.gatewayHost, port: gatewayPort, directory, metrics,
            owner, usersFile: options.usersFile, tls: options.tls, trustProxy: options.trustProxy, log: options.log,
            ideSecret: (tenant, id) => manager.ideSecret(tenant, id), onlyTenant
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
