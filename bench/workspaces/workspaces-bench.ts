/**
 * Workspaces benchmark: how long the workspace manager takes to create a workspace until its IDE answers, to stop
 * it and to start it again (resume), against starting the same IDE directly; the memory of an idle workspace; and,
 * in the same run, many workspaces started at once against one after the other, with the latency of stops issued
 * while those starts are under way (concurrent.ts). Prints one JSON object on stdout (progress goes to stderr) and writes it to bench/results/. See bench/README.md.
 * Run through bench/workspaces/run.sh, which compiles this file first.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { defaultAppDir, freePort, ideMainOf } from '@warren/ide-launcher';
import { WorkspaceMessage } from '@warren/workspace-api';
import { startManager } from '@warren/workspace-manager';
import { Cleanup, gitCommit, logger, machine, mb, positiveInt, publish, REPO, sleep } from '../support/harness';
import { runMain } from '../support/bench-main';
import { round, summarize, Summary } from '../support/stats';
import { treeRss } from '../startup/process-memory';
import { ConcurrencyPlan, ConcurrencyResult, measureConcurrency, StopSample } from './concurrent';
import { directRun, DirectRun, IDLE_MS, START_TIMEOUT_MS } from './direct';
import { isRunning, isStopped, ManagerClient } from './manager-client';
import { stopProcessesUnder } from './processes';
import { deleteWorkspace, Failure, ManagerLog, step, StepError, STOP_TIMEOUT_MS, timedStop, untilListening } from './steps';

const log = logger('workspaces');
const TENANT = 'bench';
/** After this many failed workspaces (or direct runs) in a row, that part of the bench gives up. */
const MAX_FAILURES_IN_A_ROW = 3;
const CREATE_TARGET_MS = 4_000;
const RESUME_TARGET_MS = 3_000;
const STOP_DURING_STARTS_TARGET_MS = 2_000;
/** The sandbox may add at most this much to create → listening (p50). */
const SANDBOX_TARGET_PERCENT = 10;
const SANDBOXED = process.getuid?.() === 0;

interface WorkspaceRun {
    createToRunningMs: number;
    createToListeningMs: number;
    idleRssBytes: number;
    idleProcesses: number;
    stopMs: number;
    stopToStoppingMs: number | null;
    resumeToRunningMs: number;
    resumeMs: number;
}

/** create → running and 200, idle, memory, stop → stopped, start → running and 200, stop → stopped. One workspace at a time. */
async function measureWorkspace(client: ManagerClient, id: string): Promise<WorkspaceRun> {
    const t0 = performance.now();
    const created = await step('create', () => client.after(() => client.api.createWorkspace({ id, name: id, className: 'small' }), id, isRunning, 'create → running', START_TIMEOUT_MS));
    const create = await step('create', () => untilListening(client, created.workspace, created.at, t0));
    await sleep(IDLE_MS);
    const rss = treeRss(Number(created.workspace.status!.runtimeId));
    const stop = await step('stop', () => timedStop(client, id));
    const t2 = performance.now();
    const resumed = await step('resume', () => client.after(() => client.api.startWorkspace({ id }), id, isRunning, 'start → running', START_TIMEOUT_MS));
    const resume = await step('resume', () => untilListening(client, resumed.workspace, resumed.at, t2));
    await step('stop after resume', () => client.after(() => client.api.stopWorkspace({ id }), id, isStopped, 'stop → stopped', STOP_TIMEOUT_MS));
    return {
        createToRunningMs: create.runningMs,
        createToListeningMs: create.listeningMs,
        idleRssBytes: rss.treeBytes,
        idleProcesses: rss.processes,
        stopMs: stop.stopMs,
        stopToStoppingMs: stop.toStoppingMs,
        resumeToRunningMs: resume.runningMs,
        resumeMs: resume.listeningMs
    };
}

/** Counts failures in a row per mode, so that a mode that keeps failing stops being tried. */
class Runner {
    private inARow = 0;

    constructor(private readonly mode: Failure['mode'], private readonly failures: Failure[]) {}

    get gaveUp(): boolean {
        return this.inARow >= MAX_FAILURES_IN_A_ROW;
    }

    /** Runs one sample; a failure is recorded (with the step it failed at) and handed to onFailure. */
    async sample<T>(run: number, measure: () => Promise<T>, onFailure?: () => Promise<void>): Promise<T | undefined> {
        if (this.gaveUp) {
            return undefined;
        }
        try {
            const result = await measure();
            this.inARow = 0;
            return result;
        } catch (err) {
            const stepName = err instanceof StepError ? err.step : this.mode === 'direct' ? 'start' : 'workspace';
            log(`${this.mode} #${run} FAILED at ${stepName}: ${(err as Error).message}`);
            this.failures.push({ mode: this.mode, run, step: stepName, error: (err as Error).message });
            this.inARow++;
            await onFailure?.();
            return undefined;
        }
    }
}

/** The manager's reconciler tuning: its defaults unless BENCH_RECONCILER_CONCURRENCY is set. */
function reconcilerConcurrency(): number | undefined {
    return process.env.BENCH_RECONCILER_CONCURRENCY ? positiveInt('BENCH_RECONCILER_CONCURRENCY', 8, 1) : undefined;
}

/**
 * A manager in a temporary data folder (idle stop off) with one tenant's client watching; its warnings are logged
 * and recorded in managerLog. Cleanup deletes the workspaces, stops the manager, stops any IDE still running from the
 * folder and removes it.
 */
async function openManager(cleanup: Cleanup, managerLog: ManagerLog, sandbox?: boolean): Promise<ManagerClient> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-workspaces-'));
    cleanup.add(`Removing ${dataDir}`, () => fs.rmSync(dataDir, { recursive: true, force: true }));
    // Whatever the manager could not stop (an interrupted run, a failed stop): every IDE started in the data folder.
    cleanup.add('Stopping IDEs left in the data folder', async () => {
        const left = await stopProcessesUnder(dataDir);
        if (left > 0) {
            log(`cleanup: stopped ${left} IDE process group(s) left in the data folder`);
        }
    });
    const concurrency = reconcilerConcurrency();
    const manager = await startManager({
        dataDir, port: await freePort(), templateDir: path.join(REPO, 'examples', 'hello'), idle: false, sandbox,
        ...(concurrency === undefined ? {} : { reconciler: { concurrency } }),
        log: entry => {
            managerLog.record(entry);
            if (entry.level !== 'info') {
                log(`manager ${entry.level}: ${entry.msg} ${entry.workspace ?? ''} ${entry.error ?? ''}`);
            }
        }
    });
    cleanup.add('Stopping the manager', () => manager.stop());
    const client = new ManagerClient(manager.address, (await manager.tokens.createToken(TENANT, 'bench')).token, id => manager.ideSecret(TENANT, id));
    cleanup.add('Closing the gRPC client', () => client.close());
    await client.watch();
    cleanup.add('Deleting the workspaces', async () => {
        const workspaces: WorkspaceMessage[] = await client.api.listWorkspaces();
        await Promise.all(workspaces.map(ws => deleteWorkspace(client, ws.id).catch(err => log(`cleanup: ${(err as Error).message}`))));
    });
    return client;
}

interface Measured {
    direct: DirectRun[];
    runs: WorkspaceRun[];
    /** The same workspaces on a manager whose IDEs are not sandboxed (how an ordinary user's Warren runs them); none when not root. */
    unsandboxed: WorkspaceRun[];
    /** Undefined when the manager did not start. */
    concurrency: ConcurrencyResult | undefined;
}

/**
 * The warm-up direct starts, then per round one direct start and one workspace, alternating which goes first, so
 * that a slow phase of the machine hits both alike; one IDE runs at a time. Then, on the same manager, the
 * concurrent part (concurrent.ts): the serial baseline and the bursts.
 */
async function measureAll(plan: ConcurrencyPlan, warmup: number, failures: Failure[]): Promise<Measured> {
    const count = plan.count;
    const direct: DirectRun[] = [];
    const runs: WorkspaceRun[] = [];
    const unsandboxed: WorkspaceRun[] = [];
    let concurrency: ConcurrencyResult | undefined;
    const cleanup = new Cleanup(log);
    const managerLog = new ManagerLog();
    try {
        let client: ManagerClient | undefined;
        try {
            client = await openManager(cleanup, managerLog);
        } catch (err) {
            log(`manager FAILED: ${(err as Error).message}`);
            failures.push({ mode: 'manager', run: 0, step: 'manager', error: (err as Error).message });
        }
        // As root the manager sandboxes each IDE; the baseline for that is a second manager that does not, in the same run.
        let plain: ManagerClient | undefined;
        if (SANDBOXED) {
            plain = await openManager(cleanup, managerLog, false).catch(err => {
                failures.push({ mode: 'unsandboxed', run: 0, step: 'manager', error: (err as Error).message });
                return undefined;
            });
        }
        const directRunner = new Runner('direct', failures);
        const managerRunner = new Runner('manager', failures);
        const plainRunner = new Runner('unsandboxed', failures);
        for (let i = 0; i < warmup; i++) {
            log(`direct warm-up ${i + 1}/${warmup}`);
            await directRun(log).catch(err => {
                log(`direct warm-up FAILED: ${(err as Error).message}`);
                failures.push({ mode: 'direct', run: 0, step: 'start', error: (err as Error).message });
            });
        }
        for (let i = 0; i < count; i++) {
            const modes: Array<Failure['mode']> = i % 2 === 0 ? ['direct', 'manager'] : ['manager', 'direct'];
            for (const mode of modes) {
                if (mode === 'direct') {
                    log(`direct #${i + 1}/${count}`);
                    const run = await directRunner.sample(i + 1, () => directRun(log));
                    if (run) {
                        direct.push(run);
                    }
                } else if (client) {
                    const c = client;
                    const id = `ws-${i + 1}`;
                    // A failed workspace is deleted, so that no more than it and the next one run at a time.
                    const run = await managerRunner.sample(i + 1, () => measureWorkspace(c, id),
                        () => deleteWorkspace(c, id).catch(e => log(`deleting ${id}: ${(e as Error).message}`)));
                    if (run) {
                        runs.push(run);
                        log(`manager ${id} (${i + 1}/${count}): create → 200 ${run.createToListeningMs} ms (running ${run.createToRunningMs} ms), `
                            + `idle RSS ${mb(run.idleRssBytes)} MB, stop ${run.stopMs} ms, resume → 200 ${run.resumeMs} ms (running ${run.resumeToRunningMs} ms)`);
                    }
                    if (plain) {
                        const p = plain;
                        const plainRun = await plainRunner.sample(i + 1, () => measureWorkspace(p, id),
                            () => deleteWorkspace(p, id).catch(e => log(`deleting unsandboxed ${id}: ${(e as Error).message}`)));
                        if (plainRun) {
                            unsandboxed.push(plainRun);
                            log(`unsandboxed ${id}: create → 200 ${plainRun.createToListeningMs} ms, idle RSS ${mb(plainRun.idleRssBytes)} MB`);
                        }
                        await deleteWorkspace(p, id).catch(() => undefined);
                    }
                }
            }
        }
        if (client) {
            // The one-at-a-time workspaces are stopped; gone before the concurrent part, so it starts from an empty manager.
            await Promise.all(Array.from({ length: count }, (_, i) => deleteWorkspace(client!, `ws-${i + 1}`).catch(() => undefined)));
            log(`concurrent part: ${count} workspace(s) one after the other, then ${plan.bursts} burst(s) of ${count} at once `
                + `with ${plan.victims} victim(s) stopped during each`);
            concurrency = await measureConcurrency(client, plan, managerLog, log, failures);
        }
    } finally {
        await cleanup.runAll();
    }
    return { direct, runs, unsandboxed, concurrency };
}

/** a's percentile minus b's, for p50 and p95; null when either is missing. */
function added(a: Summary | null, b: Summary | null): { p50: number; p95: number } | null {
    return a && b ? { p50: round(a.p50 - b.p50), p95: round(a.p95 - b.p95) } : null;
}

/** Why the bench cannot run, when Warren's IDE is not built: the manager's local provider and startIde launch its backend. */
function ideNotBuilt(): string | undefined {
    let main: string;
    try {
        main = ideMainOf(defaultAppDir());
    } catch (err) {
        return `Warren's IDE (@warren/browser-app) cannot be found (${(err as Error).message.split('\n')[0]}): run "npm install", then "scripts/build.sh".`;
    }
    return fs.existsSync(main)
        ? undefined
        : `Warren's IDE is not built: ${path.relative(REPO, main)} is missing. Run "scripts/build.sh" (npm run build) first; it takes minutes.`;
}

/** The concurrent part's numbers in the report (see bench/README.md). */
interface ConcurrencySummary {
    workspaces: number;
    victims: number;
    bursts: number;
    reconcilerConcurrency: number | 'manager default';
    serial: { allListeningMs: number; allRunningMs: number; createToListeningMs: Summary | null } | null;
    concurrent: { completeBursts: number; allListeningMs: Summary | null; allRunningMs: Summary | null; createToListeningMs: Summary | null };
    speedup: number | null;
    stopDuringStarts: {
        samples: number;
        stopMs: Summary | null;
        toStoppingMs: Summary | null;
        endedDuringStarts: number;
        prepareStopUnanswered: number;
        notIssued: number;
        addedToQuietStop: { p50: number; p95: number } | null;
    };
    stopSamples: StopSample[];
    perBurst: Array<{ burst: number; allListeningMs: number | null; allRunningMs: number | null; stopMs: number[] }>;
}

/** The concurrent part's numbers: serial baseline, bursts, the stops during them and how they compare. */
function concurrencySummary(result: ConcurrencyResult | undefined, plan: ConcurrencyPlan, quietStop: Summary | null): ConcurrencySummary {
    const bursts = result?.bursts ?? [];
    const complete = bursts.filter(b => b.allListeningMs !== null);
    const stops = bursts.flatMap(b => b.stops);
    const serial = result?.serial;
    const concurrentAll = summarize(complete.map(b => b.allListeningMs!));
    const stopMs = summarize(stops.map(s => s.stopMs));
    const toStoppingMs = summarize(stops.flatMap(s => (s.toStoppingMs === null ? [] : [s.toStoppingMs])));
    return {
        workspaces: plan.count,
        victims: plan.victims,
        bursts: plan.bursts,
        reconcilerConcurrency: reconcilerConcurrency() ?? 'manager default',
        serial: serial ? {
            allListeningMs: serial.allListeningMs,
            allRunningMs: serial.allRunningMs,
            createToListeningMs: summarize(serial.createToListeningMs)
        } : null,
        concurrent: {
            completeBursts: complete.length,
            allListeningMs: concurrentAll,
            allRunningMs: summarize(complete.map(b => b.allRunningMs!)),
            createToListeningMs: summarize(bursts.flatMap(b => b.createToListeningMs))
        },
        // Serial time to all listening over the concurrent p50: above 1, starting them at once is faster.
        speedup: serial && concurrentAll && concurrentAll.p50 > 0 ? round(serial.allListeningMs / concurrentAll.p50, 2) : null,
        stopDuringStarts: {
            samples: stops.length,
            stopMs,
            toStoppingMs,
            endedDuringStarts: stops.filter(s => s.endedDuringStarts).length,
            prepareStopUnanswered: stops.filter(s => s.prepareStopUnanswered).length,
            notIssued: bursts.reduce((n, b) => n + b.stopsNotIssued, 0),
            // Minus manager.stopMs (a stop with nothing else going on), for p50 and p95.
            addedToQuietStop: added(stopMs, quietStop)
        },
        stopSamples: stops,
        perBurst: bursts.map(b => ({ burst: b.burst, allListeningMs: b.allListeningMs, allRunningMs: b.allRunningMs, stopMs: b.stops.map(s => s.stopMs) }))
    };
}

async function main(): Promise<number> {
    const count = positiveInt('BENCH_WORKSPACES', 10, 1);
    const warmup = positiveInt('BENCH_WARMUP', 1, 0);
    const plan: ConcurrencyPlan = { count, victims: positiveInt('BENCH_VICTIMS', 4, 1), bursts: positiveInt('BENCH_BURSTS', 3, 1) };
    const notBuilt = ideNotBuilt();
    if (notBuilt) {
        log(notBuilt);
        return 1;
    }
    const info = machine();
    log(`${count} workspaces, ${count} direct starts (+${warmup} warm-up) on ${info.cpus} CPUs; then ${count} serial, `
        + `${plan.bursts} burst(s) of ${count} with ${plan.victims} victim(s)`);
    const failures: Failure[] = [];
    const { direct, runs, unsandboxed, concurrency: measured } = await measureAll(plan, warmup, failures);

    const directSummary = {
        runs: direct.length,
        startMs: summarize(direct.map(r => r.startMs)),
        listenMs: summarize(direct.map(r => r.listenMs)),
        idleRssMB: summarize(direct.map(r => mb(r.idleRssBytes)), 1)
    };
    const manager = {
        runs: runs.length,
        createToListeningMs: summarize(runs.map(r => r.createToListeningMs)),
        createToRunningMs: summarize(runs.map(r => r.createToRunningMs)),
        stopMs: summarize(runs.map(r => r.stopMs)),
        stopToStoppingMs: summarize(runs.flatMap(r => (r.stopToStoppingMs === null ? [] : [r.stopToStoppingMs]))),
        resumeMs: summarize(runs.map(r => r.resumeMs)),
        resumeToRunningMs: summarize(runs.map(r => r.resumeToRunningMs)),
        idleRssMB: summarize(runs.map(r => mb(r.idleRssBytes)), 1),
        idleProcesses: summarize(runs.map(r => r.idleProcesses))
    };
    const concurrency = concurrencySummary(measured, plan, manager.stopMs);
    const plainCreate = summarize(unsandboxed.map(r => r.createToListeningMs));
    const sandboxAddedPercent = manager.createToListeningMs && plainCreate
        ? round(((manager.createToListeningMs.p50 - plainCreate.p50) / plainCreate.p50) * 100, 1) : null;
    const sandbox = {
        sandboxed: SANDBOXED,
        note: SANDBOXED
            ? 'manager.* ran each IDE as its tenant\'s Unix user in bubblewrap; unsandboxed.* is the same workspaces on a second manager in the same run with the sandbox off, as an ordinary user\'s Warren runs IDEs'
            : 'not run as root: IDEs are not sandboxed, so there is nothing to compare',
        unsandboxed: {
            runs: unsandboxed.length,
            createToListeningMs: plainCreate,
            idleRssMB: summarize(unsandboxed.map(r => mb(r.idleRssBytes)), 1),
            idleProcesses: summarize(unsandboxed.map(r => r.idleProcesses))
        },
        addedToCreateP50Percent: sandboxAddedPercent,
        addedIdleRssP50MB: manager.idleRssMB && unsandboxed.length ? round(manager.idleRssMB.p50 - summarize(unsandboxed.map(r => mb(r.idleRssBytes)), 1)!.p50, 1) : null
    };
    const stopP95 = concurrency.stopDuringStarts.stopMs?.p95;
    const report = {
        bench: 'workspaces',
        date: new Date().toISOString(),
        commit: gitCommit(),
        machine: info,
        workspaces: count,
        warmupRuns: warmup,
        statusFrom: 'WatchWorkspaces stream (one per run, tenant token); "listening" = status PHASE_RUNNING with a url, then a GET of that url answering 200 (tried every 50 ms)',
        direct: directSummary,
        manager,
        added: {
            create: added(manager.createToListeningMs, directSummary.startMs),
            resume: added(manager.resumeMs, directSummary.startMs)
        },
        concurrency,
        sandbox,
        targets: {
            sandboxAddsAtMost10Percent: sandboxAddedPercent === null ? null : sandboxAddedPercent <= SANDBOX_TARGET_PERCENT,
            createP50Within4s: manager.createToListeningMs !== null && manager.createToListeningMs.p50 <= CREATE_TARGET_MS,
            resumeP50Within3s: manager.resumeMs !== null && manager.resumeMs.p50 <= RESUME_TARGET_MS,
            stopDuringStartsP95Within2s: stopP95 !== undefined && stopP95 <= STOP_DURING_STARTS_TARGET_MS,
            note: `createP50Within4s: p50 of manager.createToListeningMs (CreateWorkspace sent → RUNNING with a url → GET 200) <= ${CREATE_TARGET_MS} ms. `
                + `resumeP50Within3s: p50 of manager.resumeMs (StartWorkspace on a stopped workspace sent → RUNNING → GET 200) <= ${RESUME_TARGET_MS} ms. `
                + `stopDuringStartsP95Within2s: p95 of concurrency.stopDuringStarts.stopMs (StopWorkspace of a running workspace, sent while `
                + `${count} other workspaces start at once → PHASE_STOPPED, prepare-stop included) <= ${STOP_DURING_STARTS_TARGET_MS} ms; `
                + 'meant over at least 10 samples (concurrency.stopDuringStarts.samples). '
                + `sandboxAddsAtMost10Percent: sandbox.addedToCreateP50Percent <= ${SANDBOX_TARGET_PERCENT} (null when not run as root). `
                + 'A target is false when its metric is missing because every workspace failed.'
        },
        failures
    };
    publish('workspaces', report.date, report, log);
    return failures.length > 0 ? 1 : 0;
}

runMain(log, main);
