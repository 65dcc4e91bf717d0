/**
 * bench/helm: the platform admin's path on this machine, against the project's test cluster (packages/test-cluster).
 *
 *   install: `helm install` of helm/warren (the images built here, imported into the real node) → control plane
 *            Ready → signed in with the NOTES command → a workspace created in the dashboard → its IDE's workbench
 *            → Go ready (the gopls status item), in chromium through the Service. Baseline in the same run: the same
 *            path from starting `warren serve --provider kubernetes` on this machine against the same cluster.
 *            BENCH_RUNS (default 3) of each, the chart's first.
 *   idle:    the control plane pod's CPU (millicores, over BENCH_IDLE_SECONDS) and memory (working set), from the
 *            kubelet's summary API, with 0 workspaces and with BENCH_WORKSPACES (default 100) whose pods run on kwok
 *            nodes (they only pretend to run: their IDEs never answer, so the manager is still waiting for them).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { freePort } from '@warren/ide-launcher';
import { startTestCluster, TestCluster } from '@warren/test-cluster';
import {
    buildImage, DashboardPage, eventually, HelmRelease, launchChromium, startWarrenServe, testClusterValues
} from '@warren/testing';
import { WorkspaceClient } from '@warren/workspace-api';
import { runMain } from '../support/bench-main';
import { gitCommit, logger, machine, positiveInt, publish, sleep } from '../support/harness';
import { round, summarize, Summary } from '../support/stats';
import { waitGoplsReady } from '../support/ide-session';

const log = logger('helm');
const WORKSPACES = positiveInt('BENCH_WORKSPACES', 100, 1);
const IDLE_SECONDS = positiveInt('BENCH_IDLE_SECONDS', 60, 5);
const RUNS = positiveInt('BENCH_RUNS', 3, 1);
const HOST = 'warren.test';
const KWOK_CLASS = { name: 'kwok', description: 'on kwok nodes', cpu: '100m', memory: '128Mi', disk: '1Gi', nodeSelector: { type: 'kwok' } };

/** Milliseconds from t0 at each step of the developer's path, in chromium. */
type Path = Record<'controlPlaneReadyMs' | 'signedInMs' | 'workspaceRunningMs' | 'workbenchMs' | 'goReadyMs', number>;

/** Sign in, create `id` in the dashboard, open its IDE and wait for gopls; each step's time from t0. */
async function developerPath(gateway: string, loginUrl: string, id: string, t0: number, controlPlaneReadyMs: number, resolve?: Record<string, string>): Promise<Path> {
    const since = (): number => round(performance.now() - t0);
    const browser = await launchChromium({ resolve });
    try {
        const dashboard = new DashboardPage(browser, await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage(), gateway);
        await dashboard.signIn(loginUrl);
        const signedInMs = since();
        await dashboard.create(id, 'small');
        await dashboard.waitForPhase(id, 'running', 300_000);
        const workspaceRunningMs = since();
        const ide = await dashboard.openIde(id);
        const workbenchMs = since();
        await ide.openFile('main.go', 'package main');
        await waitGoplsReady(ide.page);
        return { controlPlaneReadyMs, signedInMs, workspaceRunningMs, workbenchMs, goReadyMs: since() };
    } finally {
        await browser.close();
    }
}

/** The control plane container's cumulative CPU and its working set, as the kubelet reports them. */
async function controlPlaneUsage(cluster: TestCluster, namespace: string): Promise<{ cpuNanos: number; memoryMB: number; atMs: number }> {
    const summary = JSON.parse(await cluster.kubectl(['get', '--raw', '/api/v1/nodes/real-0/proxy/stats/summary']));
    const pod = summary.pods.find((p: { podRef: { namespace: string; name: string } }) => p.podRef.namespace === namespace && p.podRef.name.startsWith('warren-'));
    const container = pod?.containers?.find((c: { name: string }) => c.name === 'warren');
    if (!container?.cpu?.usageCoreNanoSeconds || !container?.memory?.workingSetBytes) {
        throw new Error(`the kubelet's summary has no CPU or memory for the control plane: ${JSON.stringify(pod ?? summary.pods.map((p: { podRef: object }) => p.podRef))}`);
    }
    return { cpuNanos: container.cpu.usageCoreNanoSeconds, memoryMB: round(container.memory.workingSetBytes / 1024 / 1024, 1), atMs: performance.now() };
}

async function idle(cluster: TestCluster, namespace: string): Promise<{ cpuMillicores: number; memoryMB: number }> {
    const a = await controlPlaneUsage(cluster, namespace);
    await sleep(IDLE_SECONDS * 1000);
    const b = await controlPlaneUsage(cluster, namespace);
    return { cpuMillicores: round((b.cpuNanos - a.cpuNanos) / ((b.atMs - a.atMs) * 1e6) * 1000, 1), memoryMB: b.memoryMB };
}

/** The chart's values for this cluster; `bench` gets room for the kwok workspaces. */
function chartValues(cluster: TestCluster, images: { controlPlane: string; workspace: string }): Record<string, unknown> {
    const values = testClusterValues(cluster, images, HOST);
    values.classes = [...(values.classes as object[]), KWOK_CLASS];
    values.cluster = { ...(values.cluster as object), tenants: { bench: { running: WORKSPACES + 10, volumes: WORKSPACES + 10, storage: '1Ti' } } };
    // This machine creates the kwok workspaces over gRPC, through the Service.
    values.networkPolicy = { ...(values.networkPolicy as object), grpcFrom: [{ ipBlock: { cidr: `${cluster.hostAddressForPods}/32` } }] };
    return values;
}

/** helm install → Go ready, then (with `measureIdle`) the idle figures, then helm uninstall. */
async function viaChart(cluster: TestCluster, images: { controlPlane: string; workspace: string }, run: number, measureIdle: boolean): Promise<{ path: Path; idle?: object }> {
    const release = new HelmRelease(cluster);
    try {
        log(`run ${run}: helm install`);
        const t0 = performance.now();
        await release.apply('install', chartValues(cluster, images));
        const readyMs = round(performance.now() - t0);
        const ip = await release.serviceIp();
        const id = `chart${run}`;
        const path = await developerPath(`http://${HOST}`, await release.loginUrl(), id, t0, readyMs, { [HOST]: ip, [`*.${HOST}`]: ip });
        log(`run ${run}, through the chart: ${JSON.stringify(path)}`);
        await cluster.kubectl(['-n', 'warren-default', 'delete', 'workspace', id, '--wait=true', '--timeout=120s']);
        return { path, idle: measureIdle ? await idleFigures(cluster, release, ip) : undefined };
    } finally {
        await release.uninstall().catch(err => log(`helm uninstall: ${(err as Error).message}`));
        release.dispose();
    }
}

async function idleFigures(cluster: TestCluster, release: HelmRelease, ip: string): Promise<object> {
    log(`idle with 0 workspaces (${IDLE_SECONDS} s)`);
    const zero = await idle(cluster, release.namespace);
    const nodes = await cluster.addCpuNodes(Math.ceil(WORKSPACES / 20), 'bench-kwok');
    const token = (await release.kubectl('exec', 'deploy/warren', '--', 'cat', '/var/lib/warren/data/admin-token')).trim();
    const api = new WorkspaceClient(`${ip}:7400`, token, { deadlineMs: 120_000 });
    try {
        log(`creating ${WORKSPACES} workspaces on ${nodes.length} kwok nodes`);
        await Promise.all(Array.from({ length: WORKSPACES }, (_, i) => api.createWorkspace({ tenant: 'bench', id: `k${i}`, name: `k${i}`, className: 'kwok' })));
        await eventually(`${WORKSPACES} pods Running`, async () => {
            const phases = (await cluster.kubectl(['-n', 'warren-bench', 'get', 'pods', '-o', 'jsonpath={.items[*].status.phase}'])).split(' ');
            return phases.filter(p => p === 'Running').length >= WORKSPACES || undefined;
        }, 600_000, 1000);
        log(`idle with ${WORKSPACES} workspaces (${IDLE_SECONDS} s)`);
        const loaded = await idle(cluster, release.namespace);
        await cluster.kubectl(['-n', 'warren-bench', 'delete', 'workspaces', '--all', '--wait=true', '--timeout=300s']);
        return { windowSeconds: IDLE_SECONDS, zeroWorkspaces: zero, [`${WORKSPACES}Workspaces`]: { ...loaded, kwokNodes: nodes.length } };
    } finally {
        api.close();
        await cluster.removeNodes(nodes);
    }
}

async function viaHostProcess(cluster: TestCluster, image: string, dir: string, run: number): Promise<Path> {
    const heartbeatPort = await freePort('0.0.0.0');
    const settings = {
        image, imagePullPolicy: 'Never', storageClassName: cluster.storageClassName, controlPlaneNamespace: 'warren-bench-host',
        heartbeatListen: `0.0.0.0:${heartbeatPort}`, heartbeatUrl: `http://${cluster.hostAddressForPods}:${heartbeatPort}`, controlPlanePeers: [{ ipBlock: { cidr: `${cluster.hostAddressForPods}/32` } }]
    };
    const classes = [{ name: 'small', description: '', cpu: '1', memory: '2Gi', disk: '2Gi', requests: { cpu: '250m', memory: '1Gi' },
        nodeSelector: cluster.realNodeSelector, tolerations: [cluster.realNodeToleration] }];
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(settings));
    fs.writeFileSync(path.join(dir, 'classes.json'), JSON.stringify(classes));
    log(`run ${run}: warren serve --provider kubernetes on this machine`);
    const t0 = performance.now();
    const serve = await startWarrenServe(['--provider', 'kubernetes', '--kubeconfig', cluster.kubeconfigPath, '--cluster-config', path.join(dir, 'cluster.json'),
        '--classes', path.join(dir, 'classes.json'), '--no-idle-stop']);
    try {
        const p = await developerPath(serve.gateway, serve.loginUrl, `host${run}`, t0, round(performance.now() - t0));
        log(`run ${run}, from a host process: ${JSON.stringify(p)}`);
        await cluster.kubectl(['-n', 'warren-default', 'delete', 'workspace', `host${run}`, '--wait=true', '--timeout=120s']);
        return p;
    } finally {
        await serve.stop();
    }
}

runMain(log, async () => {
    const date = new Date().toISOString();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-helm-'));
    log('building (or reusing) the control-plane and workspace images');
    const images = { controlPlane: await buildImage('control-plane'), workspace: await buildImage('workspace') };
    log('starting the test cluster');
    const cluster = await startTestCluster({ name: 'warren-bench-helm' });
    try {
        await cluster.importImage(images.controlPlane);
        await cluster.importImage(images.workspace);
        // Every chart run first: a reinstall adopts the CRD the last uninstall kept, but not once a manager outside
        // the release has applied its own (it takes the CRD's labels over, and helm refuses to adopt it).
        const chart: Path[] = [];
        const host: Path[] = [];
        let idleReport: object | undefined;
        for (let run = 0; run < RUNS; run++) {
            const c = await viaChart(cluster, images, run, run === 0);
            chart.push(c.path);
            idleReport ??= c.idle;
        }
        for (let run = 0; run < RUNS; run++) {
            host.push(await viaHostProcess(cluster, images.workspace, dir, run));
        }
        const steps = (paths: Path[]): Record<string, Summary | null> =>
            Object.fromEntries(Object.keys(paths[0]).map(k => [k, summarize(paths.map(p => p[k as keyof Path]))]));
        const chartSteps = steps(chart);
        const hostSteps = steps(host);
        publish('helm', date, {
            bench: 'helm', date, commit: gitCommit(), machine: machine(), runs: RUNS,
            chart: chartSteps,
            hostProcessBaseline: hostSteps,
            chartAddedToGoReadyP50Ms: round(chartSteps.goReadyMs!.p50 - hostSteps.goReadyMs!.p50),
            idle: idleReport
        }, log);
        return 0;
    } finally {
        await cluster.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
