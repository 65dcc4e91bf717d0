/**
 * bench/cluster: what cluster mode costs and how it scales, measured against a real control plane built from Go
 * modules (packages/test-cluster).
 *
 *   starts (baseline in the same run): the local provider's create → IDE listening (phase running), then on the real
 *           node create → pod Running (the pod's own phase, from a watch) and create → IDE listening, one workspace at
 *           a time, each deleted before the next.
 *   scale:  N workspaces of a one-GPU class created at once on kwok GPU nodes (the pods only pretend to run):
 *           create call sent → pod Running for each, GPUs overcommitted on any node, and `warren serve`'s CPU seconds
 *           and peak RSS over the run (its own process: the bench's provisioner stand-in and watches are not in it).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as k8s from '@kubernetes/client-node';
import { freePort } from '@warren/ide-launcher';
import { startTestCluster, TestCluster } from '@warren/test-cluster';
import { buildImage, eventually, startWarrenServe, WarrenServe } from '@warren/testing';
import { WorkspaceClient } from '@warren/workspace-api';
import { Manager, parseClusterSettings, startManager, WorkspaceClass } from '@warren/workspace-manager';
import { runMain } from '../support/bench-main';
import { gitCommit, logger, machine, positiveInt, publish, REPO } from '../support/harness';
import { percentile, round, summarize } from '../support/stats';

const log = logger('cluster');
const COUNT = positiveInt('BENCH_WORKSPACES', 10, 1);
const SCALE = positiveInt('BENCH_SCALE_WORKSPACES', 1000, 1);
const GPU_NODES = positiveInt('BENCH_GPU_NODES', 100, 1);
const GPUS_PER_NODE = Math.ceil(SCALE / GPU_NODES);
const SMALL: WorkspaceClass = { name: 'small', description: '', cpu: '1', memory: '2Gi', disk: '2Gi', requests: { cpu: '250m', memory: '1Gi' } };

/** When each pod was first seen at all (the manager's part is done) and Running (performance.now()), by namespace/name. */
function watchPods(kc: k8s.KubeConfig): { created: Map<string, number>; running: Map<string, number>; stop(): void } {
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    let request: AbortController | undefined;
    let stopped = false;
    const open = (): void => {
        void new k8s.Watch(kc).watch('/api/v1/pods', { labelSelector: 'app.kubernetes.io/managed-by=warren' }, (_type: string, pod: k8s.V1Pod) => {
            const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
            if (!created.has(key)) {
                created.set(key, performance.now());
            }
            if (pod.status?.phase === 'Running' && !running.has(key)) {
                running.set(key, performance.now());
            }
        }, () => { if (!stopped) { open(); } }).then(r => { request = r; });
    };
    open();
    return { created, running, stop: () => { stopped = true; request?.abort(); } };
}

/** COUNT workspaces created one after the other, each deleted before the next; `measured` gets each one's create → phase running. */
async function oneAfterAnother(
    manager: Manager, prefix: string, startMs: number, deleteMs: number, measured: (id: string, t0: number, listeningMs: number) => void
): Promise<void> {
    const api = new WorkspaceClient(manager.address, manager.adminToken);
    try {
        for (let i = 0; i < COUNT; i++) {
            const id = `${prefix}-${i}`;
            const t0 = performance.now();
            await api.createWorkspace({ tenant: 'bench', id, name: id, className: 'small' });
            await eventually(`${id} running`, async () => ((await manager.store.getWorkspace('bench', id))?.status.phase === 'running' ? true : undefined), startMs);
            measured(id, t0, round(performance.now() - t0));
            await api.deleteWorkspace({ tenant: 'bench', id });
            await eventually(`${id} deleted`, async () => ((await manager.store.getWorkspace('bench', id)) ? undefined : true), deleteMs);
        }
    } finally {
        api.close();
    }
}

async function localStarts(): Promise<number[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-local-'));
    const manager = await startManager({ dataDir, port: await freePort(), classes: [SMALL], templateDir: path.join(REPO, 'examples', 'hello'), idle: false, log: () => undefined });
    const samples: number[] = [];
    try {
        await oneAfterAnother(manager, 'local', 180_000, 60_000, (id, _t0, ms) => {
            samples.push(ms);
            log(`local ${id}: ${ms} ms`);
        });
    } finally {
        await manager.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    }
    return samples;
}

async function clusterStarts(cluster: TestCluster, image: string, dir: string): Promise<{ running: number[]; listening: number[] }> {
    const heartbeatPort = await freePort('0.0.0.0');
    const settings = {
        image, imagePullPolicy: 'Never', storageClassName: cluster.storageClassName, controlPlaneNamespace: 'warren-bench',
        heartbeatListen: `0.0.0.0:${heartbeatPort}`, heartbeatUrl: `http://${cluster.hostAddressForPods}:${heartbeatPort}`, controlPlanePeers: [{ ipBlock: { cidr: `${cluster.hostAddressForPods}/32` } }],
        nodeSelector: cluster.realNodeSelector, tolerations: [cluster.realNodeToleration]
    };
    const manager = await startManager({
        dataDir: dir, port: await freePort(), classes: [SMALL], idle: false, log: () => undefined,
        kubernetes: { kubeconfig: cluster.kubeconfigPath, settings: parseClusterSettings(settings).settings! }
    });
    const pods = watchPods(cluster.kubeConfig);
    const running: number[] = [];
    const listening: number[] = [];
    try {
        await oneAfterAnother(manager, 'pod', 300_000, 120_000, (id, t0, ms) => {
            listening.push(ms);
            running.push(round(pods.running.get(`warren-bench/ws-${id}`)! - t0));
            log(`pod ${id}: Running ${running.at(-1)} ms, IDE listening ${ms} ms`);
        });
    } finally {
        pods.stop();
        await manager.stop();
    }
    return { running, listening };
}

/** CPU seconds (user + system) and RSS of one process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssMB: number } {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
    return { cpuSeconds: ticks / 100, rssMB: round(rss, 1) };
}

function pcts(sorted: number[]): Record<string, number> {
    return { p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1)!) };
}

async function scale(cluster: TestCluster, dir: string): Promise<Record<string, unknown>> {
    log(`adding ${GPU_NODES} kwok GPU nodes with ${GPUS_PER_NODE} GPUs each`);
    await cluster.addGpuNodes({ count: GPU_NODES, gpus: GPUS_PER_NODE, prefix: 'bench-gpu' });
    const tenants = 10;
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({
        image: 'localhost/warren-workspace:kwok', storageClassName: cluster.storageClassName, controlPlaneNamespace: 'warren-bench-scale',
        heartbeatListen: '127.0.0.1:0', controlPlanePeers: [{ ipBlock: { cidr: '127.0.0.1/32' } }],
        defaultQuota: { running: SCALE, volumes: SCALE, gpus: { 'nvidia.com/gpu': SCALE } }
    }));
    fs.writeFileSync(path.join(dir, 'classes.json'), JSON.stringify([{
        name: 'gpu', description: '', cpu: '100m', memory: '128Mi', disk: '1Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1,
        nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]
    }]));
    const serve: WarrenServe = await startWarrenServe(['--provider', 'kubernetes', '--kubeconfig', cluster.kubeconfigPath,
        '--cluster-config', path.join(dir, 'cluster.json'), '--classes', path.join(dir, 'classes.json'), '--no-idle-stop']);
    const pods = watchPods(cluster.kubeConfig);
    const api = new WorkspaceClient(serve.grpcAddress, fs.readFileSync(path.join(serve.dataDir, 'admin-token'), 'utf8').trim(), { deadlineMs: 300_000 });
    try {
        const before = processUsage(serve.pid);
        let peakRss = before.rssMB;
        const sampler = setInterval(() => { peakRss = Math.max(peakRss, processUsage(serve.pid).rssMB); }, 500);
        const sent = new Map<string, number>();
        const t0 = performance.now();
        log(`creating ${SCALE} workspaces at once`);
        await Promise.all(Array.from({ length: SCALE }, (_, i) => {
            const tenant = `scale-${i % tenants}`;
            const id = `w${i}`;
            sent.set(`warren-${tenant}/ws-${id}`, performance.now());
            return api.createWorkspace({ tenant, id, name: id, className: 'gpu' });
        }));
        log(`all created in ${round(performance.now() - t0)} ms; waiting for the pods to run`);
        await eventually('every pod Running', async () => (pods.running.size >= SCALE ? true : undefined), 900_000, 500);
        const allRunningMs = round(performance.now() - t0);
        clearInterval(sampler);
        const after = processUsage(serve.pid);
        const latencies = [...sent].map(([key, at]) => pods.running.get(key)! - at).sort((a, b) => a - b);
        const toPod = [...sent].map(([key, at]) => pods.created.get(key)! - at).sort((a, b) => a - b);
        const boundVolumes = JSON.parse(await cluster.kubectl(['get', 'pv', '-o', 'json'])) as k8s.V1PersistentVolumeList;
        const podList = JSON.parse(await cluster.kubectl(['get', 'pods', '-A', '-l', 'app.kubernetes.io/managed-by=warren', '-o', 'json'])) as k8s.V1PodList;
        const used = new Map<string, number>();
        for (const p of podList.items) {
            used.set(p.spec!.nodeName!, (used.get(p.spec!.nodeName!) ?? 0) + Number(p.spec!.containers[0].resources?.requests?.['nvidia.com/gpu'] ?? 0));
        }
        const overcommitted = [...used.values()].reduce((sum, n) => sum + Math.max(0, n - GPUS_PER_NODE), 0);
        return {
            workspaces: SCALE, gpuNodes: GPU_NODES, gpusPerNode: GPUS_PER_NODE, tenants,
            createToPodRunningMs: pcts(latencies),
            // The manager's own part: create call sent → its pod exists. The rest is the cluster's (volume binding, scheduling, kwok).
            createToPodCreatedMs: pcts(toPod),
            volumesBound: boundVolumes.items.filter(v => v.status?.phase === 'Bound').length,
            allRunningMs, gpusOvercommitted: overcommitted, nodesUsed: used.size,
            manager: { cpuSeconds: round(after.cpuSeconds - before.cpuSeconds, 1), rssMBBefore: before.rssMB, rssMBPeak: peakRss }
        };
    } finally {
        pods.stop();
        api.close();
        await serve.stop();
    }
}

runMain(log, async () => {
    const date = new Date().toISOString();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-cluster-'));
    log('building (or reusing) the workspace image');
    const image = await buildImage('workspace');
    log('starting the test cluster');
    const cluster = await startTestCluster({ name: 'warren-bench' });
    try {
        await cluster.importImage(image);
        log(`local provider: ${COUNT} workspaces, one after the other`);
        const local = await localStarts();
        log(`kubernetes provider on the real node: ${COUNT} workspaces, one after the other`);
        const pods = await clusterStarts(cluster, image, path.join(dir, 'starts'));
        log(`scale: ${SCALE} workspaces on ${GPU_NODES} kwok GPU nodes`);
        const scaled = await scale(cluster, dir);
        const p99 = (scaled.createToPodRunningMs as { p99: number }).p99;
        const report = {
            bench: 'cluster', date, commit: gitCommit(), machine: machine(),
            starts: {
                workspaces: COUNT,
                localCreateToListeningMs: summarize(local),
                kubernetesCreateToPodRunningMs: summarize(pods.running),
                kubernetesCreateToListeningMs: summarize(pods.listening),
                kubernetesAddedToListeningP50Ms: pods.listening.length && local.length ? round(summarize(pods.listening)!.p50 - summarize(local)!.p50) : null
            },
            scale: scaled,
            targets: { scaleP99AtMost2000Ms: p99 <= 2000, noGpuOvercommit: scaled.gpusOvercommitted === 0, kubernetesSloP99AtMost5000Ms: p99 <= 5000 }
        };
        publish('cluster', date, report, log);
        return scaled.gpusOvercommitted === 0 ? 0 : 1;
    } finally {
        await cluster.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
