import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './test-ide';

/** The chart, helm/warren. */
export const CHART = path.join(REPO, 'helm', 'warren');

/** The helm that packages/test-cluster builds (scripts/versions.sh says where), or why there is none. */
export function helmBinary(): string {
    const dir = execFileSync('bash', ['-c', '. packages/test-cluster/scripts/versions.sh && echo "$HELM_BIN"'], { cwd: REPO, encoding: 'utf8' }).trim();
    return path.join(dir, 'helm');
}

/** What a release needs of a test cluster (packages/test-cluster's TestCluster has it: this package cannot import it). */
export interface ReleaseCluster {
    kubeconfigPath: string;
    kubectl(args: string[]): Promise<string>;
    realNodeSelector: Record<string, string>;
    realNodeToleration: object;
    storageClassName: string;
    apiServerForPods: { address: string; port: number };
    dnsForPods: string;
}

/** An image reference split the way the chart's values take it. */
export function imageValues(ref: string, pullPolicy = 'Never'): { repository: string; tag: string; pullPolicy: string } {
    const at = ref.lastIndexOf(':');
    if (at <= ref.lastIndexOf('/')) {
        throw new Error(`image reference ${ref} has no tag`);
    }
    return { repository: ref.slice(0, at), tag: ref.slice(at + 1), pullPolicy };
}

/**
 * Values that fit the chart to the test cluster, as an admin would for theirs: the images built in the run
 * (imported, never pulled), the control plane and class `small` on the real node, the small machine's CPU, the test StorageClass, and
 * NetworkPolicy peers for where its apiserver and DNS are. `host` is what the browser maps to the Service.
 */
export function testClusterValues(cluster: ReleaseCluster, images: { controlPlane: string; workspace: string }, host: string): Record<string, unknown> {
    const onRealNode = { nodeSelector: cluster.realNodeSelector, tolerations: [cluster.realNodeToleration] };
    return {
        host,
        scheme: 'http',
        image: imageValues(images.controlPlane),
        workspaceImage: imageValues(images.workspace),
        ...onRealNode,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        networkPolicy: {
            apiServerCidrs: [`${cluster.apiServerForPods.address}/32`],
            apiServerPorts: [443, cluster.apiServerForPods.port],
            dnsPeers: [{ ipBlock: { cidr: `${cluster.dnsForPods}/32` } }]
        },
        cluster: { storageClassName: cluster.storageClassName, goEnv: { GOTELEMETRY: 'off' } },
        // Workspaces choose their node by class: this one runs for real; a caller's kwok or GPU classes go elsewhere.
        classes: [{ name: 'small', description: '1 CPU, 2 GiB', cpu: '1', memory: '2Gi', disk: '2Gi', requests: { cpu: '250m', memory: '1Gi' }, ...onRealNode }]
    };
}

export interface HelmRun { status: number; stdout: string; stderr: string }

/** One release of helm/warren in a cluster, driven by the real helm with a HOME of its own (no repositories, no cache). */
export class HelmRelease {
    readonly helm = helmBinary();
    protected readonly home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-helm-release-'));

    constructor(readonly cluster: ReleaseCluster, readonly release = 'warren', readonly namespace = 'warren-system') { }

    /** helm with this release's kubeconfig and HOME; never rejects: the caller reads status and stderr. */
    run(args: string[]): Promise<HelmRun> {
        const env = {
            ...process.env, KUBECONFIG: this.cluster.kubeconfigPath, HELM_CACHE_HOME: path.join(this.home, 'cache'),
            HELM_CONFIG_HOME: path.join(this.home, 'config'), HELM_DATA_HOME: path.join(this.home, 'data')
        };
        return new Promise(resolve => execFile(this.helm, args, { cwd: REPO, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
        }));
    }

    /** helm install or upgrade (with --wait: the control plane Ready) of the chart with these values; rejects with helm's words. */
    async apply(verb: 'install' | 'upgrade', values: object, timeout = '5m'): Promise<HelmRun> {
        const file = path.join(this.home, `values-${Date.now()}.json`);
        fs.writeFileSync(file, JSON.stringify(values));
        const r = await this.run([verb, this.release, CHART, '--namespace', this.namespace, ...(verb === 'install' ? ['--create-namespace'] : []),
            '-f', file, '--wait', '--timeout', timeout]);
        if (r.status !== 0) {
            throw new Error(`helm ${verb} failed (${r.status}):\n${r.stderr}${r.stdout}`);
        }
        return r;
    }

    async uninstall(): Promise<HelmRun> {
        const r = await this.run(['uninstall', this.release, '--namespace', this.namespace, '--wait']);
        if (r.status !== 0) {
            throw new Error(`helm uninstall failed (${r.status}):\n${r.stderr}`);
        }
        return r;
    }

    /** kubectl in the release's namespace. */
    kubectl(...args: string[]): Promise<string> {
        return this.cluster.kubectl(['-n', this.namespace, ...args]);
    }

    /** A one-time sign-in link, the way NOTES tells the admin to get one. */
    async loginUrl(): Promise<string> {
        return (await this.kubectl('exec', `deploy/${this.release}`, '--', 'warren', 'login-url', '--data-dir', '/var/lib/warren/data')).trim();
    }

    /** The Service's cluster IP, which this machine reaches through kube-proxy (what an ingress controller would do). */
    async serviceIp(): Promise<string> {
        return (await this.kubectl('get', 'service', this.release, '-o', 'jsonpath={.spec.clusterIP}')).trim();
    }

    dispose(): void {
        fs.rmSync(this.home, { recursive: true, force: true });
    }
}
