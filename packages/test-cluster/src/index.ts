/**
 * A real Kubernetes cluster for tests, built from Go modules by scripts/build.sh and run as local processes:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes) through `kwokctl --runtime binary`,
 * plus one real node, real-0 (kubelet on containerd, a CNI bridge, kube-proxy, CoreDNS), on which pods run for real and
 * reach the apiserver through the \`kubernetes\` Service.
 * Needs root on Linux (see testClusterUnavailable()).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually } from '@warren/testing';
import {
    ApiException, CoreV1Api, KubeConfig, StorageV1Api, V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1Toleration, Watch
} from '@kubernetes/client-node';

export interface TestClusterOptions {
    /** The cluster's name (default `warren-test`); clusters of different names run side by side (one real node per machine). */
    name?: string;
    /** Start the real node real-0 (default true). */
    realNode?: boolean;
    /** Enforce NetworkPolicies on the real node with kube-router's firewall (default false). */
    networkPolicy?: boolean;
}

export interface GpuNodeSpec {
    count: number;
    gpus: number;
    /** nvidia.com/gpu.product label (default NVIDIA-H100-80GB-HBM3). */
    product?: string;
    /** nvidia.com/gpu.memory label, in MiB (default 81559). */
    memoryMiB?: number;
    /** Node names are `${prefix}-${n}` (default `kwok-gpu`). */
    prefix?: string;
    /** The extended resource (default nvidia.com/gpu). */
    resource?: string;
}

export interface TestCluster {
    name: string;
    kubeconfigPath: string;
    kubeConfig: KubeConfig;
    /** The host address that pods on the real node reach this machine at (the bridge gateway), e.g. for a manager's heartbeat port. */
    hostAddressForPods: string;
    /**
     * Where pods' connections to the \`kubernetes\` Service (10.0.0.1:443) arrive after kube-proxy: the apiserver's
     * advertised address (the pods' gateway) and its port. NetworkPolicy egress rules name these.
     */
    apiServerForPods: { address: string; port: number };
    /** The cluster DNS server pods use (CoreDNS on the real node's gateway), for NetworkPolicy egress rules. */
    dnsForPods: string;
    /** Label/taint pods must select/tolerate to land on the real node. */
    realNodeSelector: Record<string, string>;
    realNodeToleration: V1Toleration;
    storageClassName: string;
    /** Whether NetworkPolicies are enforced on the real node (options.networkPolicy; kwok nodes never enforce them). */
    enforcesNetworkPolicy: boolean;
    /** kwok fake nodes with GPU capacity, labels and taint like the NVIDIA GPU operator's; resolves when they are Ready. */
    addGpuNodes(spec: GpuNodeSpec): Promise<string[]>;
    /** kwok fake nodes without GPUs (16 CPUs, 64 GiB); resolves when they are Ready. */
    addCpuNodes(count: number, prefix?: string): Promise<string[]>;
    /** Deletes the nodes and, first, their pods (else they would wait for the pod GC). */
    removeNodes(names: string[]): Promise<void>;
    /** Moves an image from buildah/podman storage into the real node's containerd (skipped when its ID did not change). */
    importImage(ref: string): Promise<void>;
    /** SIGKILLs the apiserver and starts it again (watch-recovery tests); resolves when it is ready again. */
    restartApiserver(): Promise<void>;
    /** Our kubectl with our kubeconfig; resolves to its stdout. */
    kubectl(args: string[]): Promise<string>;
    /** Stops everything it started (provisioner, real node, control plane) and undoes its host changes. */
    stop(): Promise<void>;
}

const DEFAULT_NAME = 'warren-test';
const REAL_NODE = 'real-0';
const REAL_NODE_LABEL = 'warren.dev/test-node';
/** The real node's pod subnet is 10.244.0.0/24 (scripts/real-node.sh); the host is its gateway. */
const BRIDGE_GATEWAY = '10.244.0.1';
const BRIDGE = 'warren-tc0';
const STORAGE_CLASS = 'warren-test';
const PROVISIONER = 'warren.dev/test-provisioner';
const SCRIPTS = path.resolve(__dirname, '..', 'scripts');

export interface TestClusterPaths {
    cache: string;
    k8sBin: string;
    kwokBin: string;
    /** The control plane's folder (kwokctl's cluster dir: pids, logs, pki, kubeconfig). */
    clusterDir: string;
    /** The real node's folder (containerd, kubelet, CNI, local volumes). */
    nodeDir: string;
    bridge: string;
}

let versions: { cache: string; k8sBin: string; kwokBin: string } | undefined;

/** Where a cluster of that name keeps its state (everything under the cache, never in the repository). */
export function testClusterPaths(name = DEFAULT_NAME): TestClusterPaths {
    if (!versions) {
        const out = spawnSync('bash', ['-c', '. "$1/versions.sh" && printf "%s\\n" "$CACHE" "$K8S_BIN" "$KWOK_BIN"', 'versions', SCRIPTS],
            { encoding: 'utf8' });
        const [cache, k8sBin, kwokBin] = out.stdout.trim().split('\n');
        if (out.status !== 0 || !kwokBin) {
            throw new Error(`cannot read scripts/versions.sh: ${out.stderr}`);
        }
        versions = { cache, k8sBin, kwokBin };
    }
    return {
        ...versions,
        clusterDir: path.join(versions.cache, 'kwok-workdir', 'clusters', name),
        nodeDir: path.join(versions.cache, 'real-node', name),
        bridge: BRIDGE
    };
}

/** Why the cluster cannot run here (not root, no binaries and no way to build them...), or undefined: tests skip with this reason. */
export function testClusterUnavailable(): string | undefined {
    if (process.env.WARREN_SKIP_TEST_CLUSTER === '1') {
        return 'WARREN_SKIP_TEST_CLUSTER=1 (scripts/test.sh --skip-cluster)';
    }
    if (process.platform !== 'linux') {
        return 'the test cluster runs on Linux only';
    }
    if (process.getuid?.() !== 0) {
        return 'the test cluster needs root (its real node mounts, makes cgroups and network namespaces); run the tests as root';
    }
    let p: TestClusterPaths;
    try {
        p = testClusterPaths();
    } catch (err) {
        return String(err);
    }
    const binaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kubelet', 'kube-proxy', 'etcd', 'pause']
        .map(b => path.join(p.k8sBin, b)).concat(['kwok', 'kwokctl'].map(b => path.join(p.kwokBin, b)));
    const missing = binaries.filter(b => !isExecutable(b));
    if (missing.length) {
        return `the Kubernetes binaries are not built (${missing.map(b => path.basename(b)).join(', ')} missing): `
            + 'scripts/test.sh builds them, or run packages/test-cluster/scripts/build.sh (7-15 minutes the first time)';
    }
    const system = ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/usr/bin/buildah', '/usr/bin/podman', '/usr/lib/cni/bridge',
        '/usr/lib/cni/host-local', '/usr/lib/cni/portmap', '/usr/lib/cni/loopback', '/usr/sbin/iptables', '/usr/bin/unshare'];
    const absent = system.filter(b => !isExecutable(b));
    if (absent.length) {
        return `missing system programs ${absent.join(', ')}: apt-get install containerd runc containernetworking-plugins buildah podman iptables `
            + '(scripts/test.sh does)';
    }
    return undefined;
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

interface RunResult { stdout: string; stderr: string }

function run(file: string, args: string[], what = `${path.basename(file)} ${args.join(' ')}`, env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '', ...env } });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', d => stdout += d);
        child.stderr.setEncoding('utf8').on('data', d => {
            stderr += d;
            if (process.env.WARREN_TEST_CLUSTER_LOG) {
                process.stderr.write(d);
            }
        });
        child.on('error', reject);
        child.on('close', code => code === 0
            ? resolve({ stdout, stderr })
            : reject(new Error(`${what} failed (exit ${code}):\n${stderr.slice(-4000)}`)));
    });
}

function script(name: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return run('bash', [path.join(SCRIPTS, name), ...args], `${name} ${args.join(' ')}`, env);
}

function isCode(err: unknown, code: number): boolean {
    return err instanceof ApiException && err.code === code;
}

/**
 * Stands in for the storage provisioner a real cluster has (a CSI driver's external-provisioner): it watches the
 * claims of our StorageClass that the scheduler gave a node (annotation volume.kubernetes.io/selected-node) and
 * creates a PV bound to each (claimRef), of the requested size, pinned to that node: a `local` volume in a folder
 * under the real node's dir when the node is real-0 (so fsGroup applies), a hostPath one for kwok nodes (never
 * mounted). It deletes the PVs whose claim is gone.
 */
class Provisioner {
    private readonly core: CoreV1Api;
    private abort: AbortController | undefined;
    private stopped = false;
    private restartTimer: NodeJS.Timeout | undefined;

    constructor(private readonly kc: KubeConfig, private readonly volumesDir: string) {
        this.core = kc.makeApiClient(CoreV1Api);
    }

    async start(): Promise<void> {
        const list = await this.core.listPersistentVolumeClaimForAllNamespaces({});
        for (const claim of list.items) {
            await this.provision(claim).catch(err => this.warn('provision', err));
        }
        await this.collect(list.items).catch(err => this.warn('collect', err));
        if (this.stopped) {
            return;
        }
        this.abort = await new Watch(this.kc).watch('/api/v1/persistentvolumeclaims',
            { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
            (type: string, claim: V1PersistentVolumeClaim) => {
                if (type === 'ADDED' || type === 'MODIFIED') {
                    this.provision(claim).catch(err => this.warn('provision', err));
                } else if (type === 'DELETED') {
                    this.release(claim).catch(err => this.warn('delete PV', err));
                }
            },
            () => this.restart());
    }

    stop(): void {
        this.stopped = true;
        clearTimeout(this.restartTimer);
        this.abort?.abort();
    }

    /** The watch ended (apiserver restart, timeout): list again and watch from there. */
    private restart(): void {
        if (this.stopped) {
            return;
        }
        this.restartTimer = setTimeout(() => this.start().catch(() => this.restart()), 500);
    }

    private warn(what: string, err: unknown): void {
        if (!this.stopped) {
            process.stderr.write(`[test-cluster provisioner] ${what}: ${err instanceof ApiException ? `${err.code} ${err.body}` : err}\n`);
        }
    }

    private async provision(claim: V1PersistentVolumeClaim): Promise<void> {
        const node = claim.metadata?.annotations?.['volume.kubernetes.io/selected-node'];
        if (claim.spec?.storageClassName !== STORAGE_CLASS || claim.spec.volumeName || !node || claim.metadata?.deletionTimestamp) {
            return;
        }
        const name = `pvc-${claim.metadata!.uid}`;
        let source: Pick<V1PersistentVolume['spec'] & object, 'local' | 'hostPath'>;
        if (node === REAL_NODE) {
            const dir = path.join(this.volumesDir, name);
            fs.mkdirSync(dir, { recursive: true });
            source = { local: { path: dir } };
        } else {
            source = { hostPath: { path: `/var/warren-test-volumes/${name}`, type: 'DirectoryOrCreate' } };
        }
        const pv: V1PersistentVolume = {
            metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
            spec: {
                ...source,
                capacity: { storage: claim.spec.resources?.requests?.storage ?? '1Gi' },
                accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
                volumeMode: claim.spec.volumeMode ?? 'Filesystem',
                storageClassName: STORAGE_CLASS,
                persistentVolumeReclaimPolicy: 'Delete',
                claimRef: {
                    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
                    namespace: claim.metadata!.namespace, name: claim.metadata!.name, uid: claim.metadata!.uid
                },
                nodeAffinity: {
                    required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] }
                }
            }
        };
        try {
            await this.core.createPersistentVolume({ body: pv });
        } catch (err) {
            if (!isCode(err, 409)) {
                throw err;
            }
        }
    }

    private async release(claim: V1PersistentVolumeClaim): Promise<void> {
        await this.deletePv(`pvc-${claim.metadata!.uid}`);
    }

    /** Deletes our PVs whose claim no longer exists (it went while nobody watched). */
    private async collect(claims: V1PersistentVolumeClaim[]): Promise<void> {
        const uids = new Set(claims.map(c => c.metadata?.uid));
        const pvs = await this.core.listPersistentVolume({});
        for (const pv of pvs.items) {
            if (pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] === PROVISIONER && !uids.has(pv.spec?.claimRef?.uid)) {
                await this.deletePv(pv.metadata.name!);
            }
        }
    }

    private async deletePv(name: string): Promise<void> {
        try {
            await this.core.deletePersistentVolume({ name });
        } catch (err) {
            if (!isCode(err, 404)) {
                throw err;
            }
        }
        fs.rmSync(path.join(this.volumesDir, name), { recursive: true, force: true });
    }
}

/** Clusters of this process, stopped synchronously if the process exits without stop(). */
const running = new Map<string, () => void>();
let exitHooksInstalled = false;

function installExitHooks(): void {
    if (exitHooksInstalled) {
        return;
    }
    exitHooksInstalled = true;
    const stopAll = (): void => {
        for (const stop of [...running.values()]) {
            stop();
        }
    };
    process.once('exit', stopAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.once(signal, () => {
            stopAll();
            process.exit(128 + (os.constants.signals[signal] ?? 1));
        });
    }
}

/**
 * Starts the cluster of that name, or reuses it when it is already up (a warm start takes seconds). With
 * WARREN_TEST_CLUSTER_KEEP=1, stop() leaves the control plane and the real node running for the next test file.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
    const reason = testClusterUnavailable();
    if (reason) {
        throw new Error(`the test cluster cannot run here: ${reason}`);
    }
    const name = options.name ?? DEFAULT_NAME;
    const realNode = options.realNode ?? true;
    const networkPolicy = realNode && !!options.networkPolicy;
    const paths = testClusterPaths(name);
    const keep = process.env.WARREN_TEST_CLUSTER_KEEP === '1';
    if (running.has(name)) {
        throw new Error(`test cluster ${name} is already started by this process`);
    }
    let provisioner: Provisioner | undefined;
    const syncStop = (): void => {
        provisioner?.stop();
        running.delete(name);
        if (!keep) {
            spawnSync('bash', [path.join(SCRIPTS, 'real-node.sh'), 'down', name], { stdio: 'ignore' });
            spawnSync('bash', [path.join(SCRIPTS, 'cluster.sh'), 'down', name], { stdio: 'ignore' });
        }
    };
    installExitHooks();
    running.set(name, syncStop);
    try {
        const kubeconfigPath = (await script('cluster.sh', ['up', name])).stdout.trim();
        if (realNode) {
            await script('real-node.sh', ['up', name], { WARREN_NETWORK_POLICY: networkPolicy ? '1' : '0' });
        }
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        await ensureStorageClass(kc);
        provisioner = new Provisioner(kc, path.join(paths.nodeDir, 'pv'));
        await provisioner.start();
        return makeCluster(name, kubeconfigPath, kc, paths, realNode, networkPolicy, async () => {
            provisioner?.stop();
            running.delete(name);
            if (!keep) {
                await script('real-node.sh', ['down', name]);
                await script('cluster.sh', ['down', name]);
            }
        });
    } catch (err) {
        syncStop();
        throw err;
    }
}

async function ensureStorageClass(kc: KubeConfig): Promise<void> {
    try {
        await kc.makeApiClient(StorageV1Api).createStorageClass({
            body: {
                metadata: { name: STORAGE_CLASS, annotations: { 'warren.dev/note': 'PVs come from the test process (packages/test-cluster)' } },
                // not kubernetes.io/no-provisioner: with that one the scheduler never picks a node for an unbound claim
                // (volume.kubernetes.io/selected-node), it only binds existing PVs
                provisioner: PROVISIONER,
                volumeBindingMode: 'WaitForFirstConsumer',
                reclaimPolicy: 'Delete'
            }
        });
    } catch (err) {
        if (!isCode(err, 409)) {
            throw err;
        }
    }
}

function makeCluster(name: string, kubeconfigPath: string, kc: KubeConfig, paths: TestClusterPaths, realNode: boolean, networkPolicy: boolean,
    stop: () => Promise<void>): TestCluster {
    const core = kc.makeApiClient(CoreV1Api);
    let stopping: Promise<void> | undefined;

    const nextNames = async (prefix: string, count: number): Promise<string[]> => {
        const taken = new Set((await core.listNode({})).items.map(n => n.metadata?.name));
        const names: string[] = [];
        for (let i = 0; names.length < count; i++) {
            if (!taken.has(`${prefix}-${i}`)) {
                names.push(`${prefix}-${i}`);
            }
        }
        return names;
    };
    const addNodes = async (names: string[], make: (name: string) => V1Node): Promise<string[]> => {
        for (const node of names) {
            await core.createNode({ body: make(node) });
        }
        await Promise.all(names.map(node => eventually(`node ${node} Ready`, async () => {
            const n = await core.readNode({ name: node });
            return n.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ? true : undefined;
        }, 120_000)));
        return names;
    };
    const fakeNode = (node: string, labels: Record<string, string>, capacity: Record<string, string>, gpuTaint?: string): V1Node => ({
        metadata: {
            name: node,
            annotations: { 'kwok.x-k8s.io/node': 'fake' },
            labels: { type: 'kwok', 'kubernetes.io/hostname': node, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...labels }
        },
        spec: gpuTaint ? { taints: [{ key: gpuTaint, value: 'present', effect: 'NoSchedule' }] } : {},
        status: { capacity, allocatable: capacity }
    });

    return {
        name,
        kubeconfigPath,
        kubeConfig: kc,
        hostAddressForPods: realNode ? BRIDGE_GATEWAY : '127.0.0.1',
        apiServerForPods: { address: BRIDGE_GATEWAY, port: Number(new URL(kc.getCurrentCluster()!.server).port) },
        dnsForPods: BRIDGE_GATEWAY,
        realNodeSelector: { [REAL_NODE_LABEL]: 'real' },
        realNodeToleration: { key: REAL_NODE_LABEL, operator: 'Equal', value: 'real', effect: 'NoSchedule' },
        storageClassName: STORAGE_CLASS,
        enforcesNetworkPolicy: networkPolicy,

        async addGpuNodes(spec: GpuNodeSpec): Promise<string[]> {
            const resource = spec.resource ?? 'nvidia.com/gpu';
            const names = await nextNames(spec.prefix ?? 'kwok-gpu', spec.count);
            return addNodes(names, node => fakeNode(node, {
                'nvidia.com/gpu.present': 'true',
                'nvidia.com/gpu.product': spec.product ?? 'NVIDIA-H100-80GB-HBM3',
                'nvidia.com/gpu.memory': String(spec.memoryMiB ?? 81559),
                'nvidia.com/gpu.count': String(spec.gpus)
            }, { cpu: '32', memory: '256Gi', pods: '110', [resource]: String(spec.gpus) }, 'nvidia.com/gpu'));
        },

        async addCpuNodes(count: number, prefix = 'kwok-cpu'): Promise<string[]> {
            const names = await nextNames(prefix, count);
            return addNodes(names, node => fakeNode(node, {}, { cpu: '16', memory: '64Gi', pods: '110' }));
        },

        async removeNodes(names: string[]): Promise<void> {
            for (const node of names) {
                const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
                for (const pod of pods.items) {
                    await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, gracePeriodSeconds: 0 })
                        .catch(err => {
                            if (!isCode(err, 404)) {
                                throw err;
                            }
                        });
                }
                await core.deleteNode({ name: node }).catch(err => {
                    if (!isCode(err, 404)) {
                        throw err;
                    }
                });
            }
        },

        async importImage(ref: string): Promise<void> {
            if (!realNode) {
                throw new Error(`test cluster ${name} has no real node to import ${ref} into`);
            }
            await script('real-node.sh', ['import', ref, name]);
        },

        async restartApiserver(): Promise<void> {
            await script('cluster.sh', ['restart-apiserver', name]);
        },

        async kubectl(args: string[]): Promise<string> {
            return (await run(path.join(paths.k8sBin, 'kubectl'), ['--kubeconfig', kubeconfigPath, ...args])).stdout;
        },

        stop(): Promise<void> {
            stopping ??= stop();
            return stopping;
        }
    };
}
