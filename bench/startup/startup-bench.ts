/**
 * Startup benchmark: Warren's IDE against a plain Theia app built from the same @theia packages.
 * Prints one JSON object on stdout (progress goes to stderr) and writes it to bench/results/. See bench/README.md.
 * Run through bench/startup/run.sh, which builds the plain app and compiles this file first.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, BrowserContext } from 'playwright-core';
import { freePort, IdeHandle, IdeOptions, startIde } from '@warren/ide-launcher';
import { Cleanup, gitCommit, logger, machine, mb, positiveInt, publish, REPO, sleep, withTimeout } from '../support/harness';
import { runMain } from '../support/bench-main';
import { backendLogTail, BROWSER_TIMEOUT_MS, IDE_START_TIMEOUT_MS, PAGE_TIMEOUT_MS } from '../support/ide-session';
import { ratio, summarize, Summary } from '../support/stats';
import { LoadMetrics, measureLoad, QUIET_MS } from './page-load';
import { treeRss, TreeRss } from './process-memory';

type AppName = 'warren' | 'plain';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'
];
const IDLE_SETTLE_MS = 2_000;
const CONNECTED_SETTLE_MS = 3_000;
/** Noise margin for "not slower than plain": warren's p50 may be up to 10% above plain's. */
const NOISE_MARGIN = 1.10;
const log = logger('startup');

interface RunResult {
    backendStartMs: number;
    cold: LoadMetrics;
    warm: LoadMetrics;
    idle: TreeRss;
    connected: TreeRss;
}

interface Failure {
    app: AppName;
    iteration: number;
    error: string;
}

interface AppSummary {
    runs: number;
    backendStartMs: Summary | null;
    cold: Record<keyof LoadMetrics, Summary | null>;
    warm: Record<keyof LoadMetrics, Summary | null>;
    rssMB: Record<'idleTree' | 'idleMain' | 'connectedTree' | 'connectedMain', Summary | null>;
    processes: Record<'idle' | 'connected', Summary | null>;
}

function ideOptions(app: AppName, dir: string, port: number): IdeOptions {
    const workspace = path.join(dir, 'workspace');
    const home = path.join(dir, 'home');
    fs.cpSync(path.join(REPO, 'examples', 'hello'), workspace, { recursive: true });
    fs.mkdirSync(home);
    const options: IdeOptions = {
        workspace,
        configDir: path.join(dir, 'ide-config'),
        port,
        // A temporary HOME keeps runs hermetic: no state from earlier runs or from the user's own IDE.
        env: { ...process.env, HOME: home },
        stdio: 'pipe',
        startTimeoutMs: IDE_START_TIMEOUT_MS
    };
    return app === 'plain'
        ? { ...options, appDir: path.join(REPO, 'bench', 'startup', 'plain-app'), pluginsDir: '' }
        : options;
}

/**
 * A persistent context on an empty profile folder: an empty cache for the first load, and Chromium's on-disk HTTP
 * cache for the second. An incognito context (browser.newContext) keeps its cache in memory with a per-entry limit
 * (1/8 of at most 50 MB) below the plain app's 14 MB bundle.js, which would make the warm load unfair to it.
 */
async function launchBrowser(profileDir: string): Promise<BrowserContext> {
    return withTimeout(chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS
    }), BROWSER_TIMEOUT_MS, 'Launching Chromium');
}

/** Opens a new tab in context, measures the load, and hands the open page to `whileOpen` before closing it. */
async function loadInNewPage(context: BrowserContext, url: string, whileOpen?: () => Promise<void>): Promise<LoadMetrics> {
    const page = await context.newPage();
    try {
        const metrics = await measureLoad(page, url, PAGE_TIMEOUT_MS);
        await whileOpen?.();
        return metrics;
    } finally {
        await page.close().catch(() => undefined);
    }
}

/** One measured run of one app: start the backend, sample idle memory, then a cold and a warm page load. */
async function runOnce(app: AppName): Promise<RunResult> {
    const cleanup = new Cleanup(log);
    let ide: IdeHandle | undefined;
    try {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `warren-bench-${app}-`));
        cleanup.add(`Removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
        const port = await freePort();
        ide = await startIde(ideOptions(app, dir, port));
        const started = ide;
        cleanup.add(`Stopping the ${app} IDE`, () => started.stop());
        const pid = ide.process.pid!;

        await sleep(IDLE_SETTLE_MS);
        const idle = treeRss(pid);

        const context = await launchBrowser(path.join(dir, 'chromium-profile'));
        cleanup.add('Closing Chromium', () => context.close());
        let connected: TreeRss | undefined;
        // Cold: first page of an empty profile. Memory is sampled while this page is still connected.
        const cold = await loadInNewPage(context, ide.url, async () => {
            await sleep(CONNECTED_SETTLE_MS);
            connected = treeRss(pid);
        });
        // Warm: a new tab in the same profile after the first load completed, as when the user reopens the IDE.
        const warm = await loadInNewPage(context, ide.url);
        return { backendStartMs: ide.startupMs, cold, warm, idle, connected: connected! };
    } catch (err) {
        throw new Error(`${(err as Error).message}${backendLogTail(ide)}`);
    } finally {
        await cleanup.runAll();
    }
}

function loadSummary(loads: LoadMetrics[]): Record<keyof LoadMetrics, Summary | null> {
    return {
        shellMs: summarize(loads.map(l => l.shellMs)),
        readyMs: summarize(loads.map(l => l.readyMs)),
        settledMs: summarize(loads.map(l => l.settledMs)),
        bytes: summarize(loads.map(l => l.bytes)),
        requests: summarize(loads.map(l => l.requests))
    };
}

function appSummary(runs: RunResult[]): AppSummary {
    return {
        runs: runs.length,
        backendStartMs: summarize(runs.map(r => r.backendStartMs)),
        cold: loadSummary(runs.map(r => r.cold)),
        warm: loadSummary(runs.map(r => r.warm)),
        rssMB: {
            idleTree: summarize(runs.map(r => mb(r.idle.treeBytes)), 1),
            idleMain: summarize(runs.map(r => mb(r.idle.mainBytes)), 1),
            connectedTree: summarize(runs.map(r => mb(r.connected.treeBytes)), 1),
            connectedMain: summarize(runs.map(r => mb(r.connected.mainBytes)), 1)
        },
        processes: {
            idle: summarize(runs.map(r => r.idle.processes)),
            connected: summarize(runs.map(r => r.connected.processes))
        }
    };
}

function comparison(w: AppSummary, p: AppSummary): Record<string, number | null> {
    return {
        backendStartRatio: ratio(w.backendStartMs, p.backendStartMs),
        shellColdRatio: ratio(w.cold.shellMs, p.cold.shellMs),
        settledColdRatio: ratio(w.cold.settledMs, p.cold.settledMs),
        shellWarmRatio: ratio(w.warm.shellMs, p.warm.shellMs),
        settledWarmRatio: ratio(w.warm.settledMs, p.warm.settledMs),
        bytesRatio: ratio(w.cold.bytes, p.cold.bytes),
        warmBytesRatio: ratio(w.warm.bytes, p.warm.bytes),
        idleRssTreeRatio: ratio(w.rssMB.idleTree, p.rssMB.idleTree),
        connectedRssTreeRatio: ratio(w.rssMB.connectedTree, p.rssMB.connectedTree)
    };
}

function targets(c: Record<string, number | null>, w: AppSummary): Record<string, boolean | string> {
    const within = (r: number | null): boolean => r !== null && r <= NOISE_MARGIN;
    return {
        notSlowerThanPlainWithin10Pct: within(c.shellColdRatio) && within(c.settledColdRatio),
        bytesAtMostAThird: c.bytesRatio !== null && c.bytesRatio <= 1 / 3,
        idleRssUnder300MB: w.rssMB.idleTree !== null && w.rssMB.idleTree.p50 < 300,
        note: 'notSlowerThanPlainWithin10Pct: p50 cold shellMs and settledMs of warren <= 1.10 x plain (10% noise margin). '
            + 'bytesAtMostAThird: p50 cold-load HTTP bytes of warren <= 1/3 of plain. '
            + 'idleRssUnder300MB: p50 idle RSS of warren\'s whole backend process tree < 300 MB (10^6 bytes). '
            + 'A target is false when a metric is missing because every run of an app failed.'
    };
}

/** Alternates which app goes first in each iteration, so a slow phase of the machine hits both alike. */
function order(iteration: number): AppName[] {
    return iteration % 2 === 0 ? ['warren', 'plain'] : ['plain', 'warren'];
}

async function main(): Promise<number> {
    const iterations = positiveInt('BENCH_ITERATIONS', 5, 1);
    const warmup = positiveInt('BENCH_WARMUP', 1, 0);
    const info = machine(CHROMIUM);
    log(`${iterations} iterations (+${warmup} warm-up) per app on ${info.cpus} CPUs, ${info.chromium}`);

    const runs: Record<AppName, RunResult[]> = { warren: [], plain: [] };
    const failures: Failure[] = [];
    for (let i = -warmup; i < iterations; i++) {
        for (const app of order(i + warmup)) {
            const label = i < 0 ? `${app} warm-up` : `${app} #${i + 1}/${iterations}`;
            try {
                const result = await runOnce(app);
                log(`${label}: backend ${result.backendStartMs} ms, cold shell ${result.cold.shellMs} / settled ${result.cold.settledMs} ms `
                    + `(${mb(result.cold.bytes)} MB), warm settled ${result.warm.settledMs} ms, idle RSS ${mb(result.idle.treeBytes)} MB`);
                if (i >= 0) {
                    runs[app].push(result);
                }
            } catch (err) {
                log(`${label} FAILED: ${(err as Error).message}`);
                failures.push({ app, iteration: i < 0 ? 0 : i + 1, error: (err as Error).message });
            }
        }
    }

    const apps = { warren: appSummary(runs.warren), plain: appSummary(runs.plain) };
    const compared = comparison(apps.warren, apps.plain);
    const report = {
        bench: 'startup',
        date: new Date().toISOString(),
        commit: gitCommit(),
        machine: info,
        iterations,
        warmupRuns: warmup,
        settledDefinition: `'ready' console line seen and no HTTP request in flight, started or finished for ${QUIET_MS} ms; `
            + 'settledMs is when that quiet period began. Bytes: HTTP(S) only (encodedDataLength), no WebSocket frames, no data: URLs.',
        apps,
        comparison: compared,
        targets: targets(compared, apps.warren),
        failures
    };
    publish('startup', report.date, report, log);
    return failures.length > 0 ? 1 : 0;
}

runMain(log, main);
