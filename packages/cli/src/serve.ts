import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { checkTenant, readUsersFile, trustedProxies } from '@warren/gateway';
import { findIdeProcesses } from '@warren/workspace-manager';
import { defaultOwner, startControlPlane } from './control-plane';
import { dataDir, readClasses, readClusterSettings, SERVE_INFO, ServeInfo } from './data-dir';

interface ServeOptions {
    dataDir?: string; host: string; port: string; publicUrl?: string; grpcHost: string; grpcPort: string; metricsPort: string;
    classes?: string; template?: string; usersFile?: string; ownerTenant?: string; tlsCert?: string; tlsKey?: string;
    restartCrashed?: boolean; trustProxy?: string; idleStop: boolean; sharedGoCache: boolean; workspaceHostPorts?: string; heartbeatSeconds: string; idleCheckSeconds: string;
    provider: string; kubeconfig?: string; clusterConfig?: string; workspaceImage?: string; leaseSeconds: string; replicaId?: string;
}

function port(name: string, value: string): number {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) {
        throw new Error(`${name} must be a TCP port (0-65535), not "${value}".`);
    }
    return n;
}

function seconds(name: string, value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) {
        throw new Error(`${name} must be a number of seconds above 0, not "${value}".`);
    }
    return n;
}

/** Everything is checked before anything starts, so that a typo costs nothing. */
function check(opts: ServeOptions): { publicUrl?: URL } {
    let publicUrl: URL | undefined;
    if (opts.publicUrl) {
        try {
            publicUrl = new URL(opts.publicUrl);
        } catch {
            throw new Error(`--public-url "${opts.publicUrl}" is not a URL: use e.g. https://warren.example.com.`);
        }
        if (!/^https?:$/.test(publicUrl.protocol) || publicUrl.pathname !== '/' || publicUrl.search || !/^[a-z0-9.-]+$/i.test(publicUrl.hostname) || /^[\d.]+$/.test(publicUrl.hostname)) {
            throw new Error(`--public-url "${opts.publicUrl}" must be http(s)://HOST[:PORT] with a DNS name (no path): workspaces get origins under that name, such as hello--team.HOST.`);
        }
    }
    if (!!opts.tlsCert !== !!opts.tlsKey) {
        throw new Error('Give both --tls-cert and --tls-key, or neither.');
    }
    if (!['local', 'kubernetes'].includes(opts.provider)) {
        throw new Error(`--provider must be "local" (IDEs on this machine) or "kubernetes" (pods on a cluster), not "${opts.provider}".`);
    }
    if (opts.provider !== 'kubernetes' && (opts.kubeconfig || opts.clusterConfig || opts.workspaceImage)) {
        throw new Error('--kubeconfig, --cluster-config and --workspace-image are for --provider kubernetes.');
    }
    for (const file of [opts.tlsCert, opts.tlsKey, opts.usersFile, opts.classes, opts.kubeconfig, opts.clusterConfig].filter((f): f is string => !!f)) {
        if (!fs.existsSync(file)) {
            throw new Error(`${file} does not exist.`);
        }
    }
    if (opts.tlsCert && publicUrl?.protocol !== 'https:') {
        throw new Error('With --tls-cert, also give --public-url https://HOST[:PORT] (the name the certificate is for; it must cover *.HOST too).');
    }
    if (opts.usersFile) {
        readUsersFile(opts.usersFile);
    }
    if (opts.ownerTenant) {
        checkTenant(opts.ownerTenant);
    }
    return { publicUrl };
}

/** How to run this CLI again from here: "warren" when installed as such, else node and the script. */
function invocation(): string {
    const script = process.argv[1] ?? '';
    return path.basename(script) === 'warren' ? 'warren' : `node ${path.relative(process.cwd(), script) || script}`;
}

export function registerServe(program: Command): void {
    program.command('serve')
        .description('run Warren: the gateway (sign-in, dashboard, workspace proxy) and the workspace manager, with IDEs on this machine or pods on a cluster')
        .option('--data-dir <dir>', 'where workspaces and the databases live (WARREN_DATA_DIR)')
        .option('--host <addr>', 'address the gateway listens on', '127.0.0.1')
        .option('--port <port>', 'the gateway\'s port', '7080')
        .option('--public-url <url>', 'the address people open, if not http://localhost:PORT; workspaces get origins under its host')
        .option('--grpc-host <addr>', 'address of the workspace manager\'s gRPC API', '127.0.0.1')
        .option('--grpc-port <port>', 'the workspace manager\'s gRPC port', '7400')
        .option('--metrics-port <port>', 'Prometheus metrics, /healthz and /readyz (manager and gateway)', '7401')
        .option('--classes <file>', 'workspace classes (JSON list); default: small and large')
        .option('--template <dir>', 'files every new workspace starts with')
        .option('--users-file <file>', 'users who sign in with a password (JSON; see "warren user hash-password")')
        .option('--owner-tenant <tenant>', 'the tenant of the person the login link signs in', 'default')
        .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; it must cover HOST and *.HOST)')
        .option('--tls-key <file>', 'the certificate\'s private key (PEM)')
        .option('--trust-proxy <addresses>', 'the reverse proxies in front (addresses or CIDR ranges, comma-separated): client addresses come from their X-Forwarded-For')
        .option('--restart-crashed', 'restart an IDE that crashed (at most 3 times in 5 minutes) instead of marking it failed')
        .option('--no-idle-stop', 'never stop idle workspaces')
        .option('--no-shared-go-cache', 'give each workspace a Go build cache of its own only, not its tenant\'s shared one too')
        .option('--workspace-host-ports <ports>', 'loopback ports of this machine that sandboxed workspaces may reach, comma-separated (a git server or module proxy on this machine); nothing else here is reachable from them')
        .option('--heartbeat-seconds <n>', 'how often IDEs report activity', '60')
        .option('--idle-check-seconds <n>', 'how often idle workspaces are looked for', '15')
        .option('--provider <name>', 'where workspaces run: local (IDE processes on this machine) or kubernetes (pods; doc/cluster.md)', 'local')
        .option('--kubeconfig <file>', 'the cluster (kubernetes provider); default: the in-cluster configuration in a pod, else $KUBECONFIG or ~/.kube/config')
        .option('--cluster-config <file>', 'cluster settings (JSON: image, namespaces, quotas, network policy, Go environment; doc/cluster.md)')
        .option('--workspace-image <ref>', 'the workspace image (kubernetes provider); overrides the cluster settings\' image')
        .option('--lease-seconds <n>', 'how long the reconciler\'s lease holds without renewal, when several replicas run (kubernetes provider)', '15')
        .option('--replica-id <name>', 'this replica\'s name in the reconciler\'s lease (kubernetes provider); default: the host name and pid')
        .action(async (opts: ServeOptions) => {
            const { publicUrl } = check(opts);
            // Whatever the control plane writes (keys, databases, logs) is its own user's alone.
            process.umask(0o077);
            const dir = dataDir(opts.dataDir);
            const owner = { ...defaultOwner(), tenant: opts.ownerTenant ?? 'default' };
            const kubernetes = opts.provider === 'kubernetes' ? {
                kubeconfig: opts.kubeconfig, settings: readClusterSettings(opts.clusterConfig, opts.workspaceImage),
                leaseSeconds: seconds('--lease-seconds', opts.leaseSeconds), identity: opts.replicaId
            } : undefined;
            const plane = await startControlPlane({
                dataDir: dir, host: opts.grpcHost, managerPort: port('--grpc-port', opts.grpcPort), metricsPort: port('--metrics-port', opts.metricsPort),
                gatewayHost: opts.host, gatewayPort: port('--port', opts.port), publicUrl: publicUrl?.origin,
                classes: opts.classes ? readClasses(opts.classes) : undefined, templateDir: opts.template ? path.resolve(opts.template) : undefined,
                restartCrashed: opts.restartCrashed, usersFile: opts.usersFile, owner, trustProxy: opts.trustProxy === undefined ? undefined : trustedProxies(opts.trustProxy),
                tls: opts.tlsCert && opts.tlsKey ? { certFile: opts.tlsCert, keyFile: opts.tlsKey } : undefined,
                heartbeatSeconds: seconds('--heartbeat-seconds', opts.heartbeatSeconds), kubernetes,
                sharedGoCache: opts.sharedGoCache,
                workspaceHostPorts: opts.workspaceHostPorts?.split(',').map(p => port('--workspace-host-ports', p.trim())),
                idle: opts.idleStop ? { checkIntervalMs: seconds('--idle-check-seconds', opts.idleCheckSeconds) * 1000 } : false
            });
            const info: ServeInfo = { publicUrl: plane.gateway.url, owner };
            fs.writeFileSync(path.join(dir, SERVE_INFO), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
            if (plane.manager.adminToken) {
                process.stderr.write(`\nFirst start: the admin token for the gRPC API and CLI is in ${path.join(dir, 'admin-token')}.\n`);
            }
            process.stderr.write(`\nWarren is ready. Open this link to sign in as ${owner.user} (tenant ${owner.tenant}); it works once:\n\n` +
                `    ${await plane.gateway.loginUrl()}\n\nFor a new link later: ${invocation()} login-url${opts.dataDir ? ` --data-dir ${dir}` : ''}.\n` +
                'Stop with Ctrl+C: the IDEs of running workspaces keep running, with their unsaved editors, and the next start\n' +
                `takes them over. To stop a workspace too, stop it first (dashboard, or ${invocation()} workspace stop ID).\n\n`);
            const stop = (): void => {
                void plane.stop().then(() => {
                    // The IDEs outlive the control plane by design: say how many.
                    const running = kubernetes ? 0 : findIdeProcesses(dir).size;
                    process.stderr.write(kubernetes ? '\nWarren stopped. Workspace pods keep running; the next "warren serve" takes them over.\n' : running
                        ? `\nWarren stopped. ${running} workspace IDE(s) keep running; the next "warren serve" with this data folder takes them over.\n`
                        : '\nWarren stopped.\n');
                    process.exit(0);
                });
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
        });
}
