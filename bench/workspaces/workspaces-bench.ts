/**
 * Workspaces benchmark: how long the workspace manager takes to create a workspace until its IDE answers, to stop
 * it and to start it again (resume), against starting the same IDE directly; and the memory of an idle workspace.
 * Prints one JSON object on stdout (progress goes to stderr) and writes it to bench/results/. See bench/README.md.
 * Run through bench/workspaces/run.sh, which compiles this file first.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { freePort } from '@warren/ide-launcher';
import { startManager } from '@warren/workspace-manager';
import type { Workspace__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/Workspace';
import { Cleanup, gitCommit, logger, machine, mb, positiveInt, publish, REPO, sleep } from '../support/harness';
import { runMain } from '../support/bench-main';
import { round, summarize, Summary } from '../support/stats';
import { treeRss } from '../startup/process-memory';
import { directRun, DirectRun, IDLE_MS, START_TIMEOUT_MS } from './direct';
import { isDeleted, isRunning, isStopped, ManagerClient } from './manager-client';
import { stopProcessesUnder, waitHttp200 } from './processes';

const log = logger('workspaces');
const TENANT = 'bench';
const STOP_TIMEOUT_MS = 30_000;
const DELETE_TIMEOUT_MS = 30_000;
/** After this many failed workspaces (or direct runs) in a row, that part of the bench gives up. */
const MAX_FAILURES_IN_A_ROW = 3;
const CREATE_TARGET_MS = 4_000;
const RESUME_TARGET_MS = 3_000;

interface Failure {
    mode: 'direct' | 'manager';
    /** 1-based run or workspace; 0 for the warm-up or the mode as a whole. */
    run: number;
    step: string;
    error: string;
}

interface WorkspaceRun {
    createToRunningMs: number;
    createToListeningMs: number;
    idleRssBytes: number;
    idleProcesses: number;
    stopMs: number;
    resumeToRunningMs: number;
    resumeMs: number;
}

class StepError extends Error {
    constructor(readonly step: string, cause: Error) {
        super(cause.message);
    }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (err) {
        throw new StepError(name, err as Error);
    }
}

/** The url of a running workspace answers 200: from t0 to that answer, and to the RUNNING message before it. */
async function untilListening(ws: Workspace__Output, runningAt: number, t0: number): Promise<{ runningMs: number; listeningMs: number }> {
    const answered = await waitHttp200(ws.status!.url, START_TIMEOUT_MS);
    return { runningMs: Math.round(runningAt - t0), listeningMs: Math.round(answered - t0) };
}

/** create → running and 200, idle, memory, stop → stopped, start → running and 200, stop → stopped. One workspace at a time. */
async function measureWorkspace(client: ManagerClient, id: string): Promise<WorkspaceRun> {
    const t0 = performance.now();
    const created = await step('create', () => client.after(() => client.call('CreateWorkspace', { id, name: id, className: 'small' }), id, isRunning, 'create → running', START_TIMEOUT_MS));
    const create = await step('create', () => untilListening(created.workspace, created.at, t0));
    await sleep(IDLE_MS);
    const rss = treeRss(Number(created.workspace.status!.runtimeId));
    const t1 = performance.now();
    const stopped = await step('stop', () => client.after(() => client.call('StopWorkspace', { id }), id, isStopped, 'stop → stopped', STOP_TIMEOUT_MS));
    const stopMs = Math.round(stopped.at - t1);
    const t2 = performance.now();
    const resumed = await step('resume', () => client.after(() => client.call('StartWorkspace', { id }), id, isRunning, 'start → running', START_TIMEOUT_MS));
    const resume = await step('resume', () => untilListening(resumed.workspace, resumed.at, t2));
    await step('stop after resume', () => client.after(() => client.call('StopWorkspace', { id }), id, isStopped, 'stop → stopped', STOP_TIMEOUT_MS));
    return {
        createToRunningMs: create.runningMs,
        createToListeningMs: create.listeningMs,
        idleRssBytes: rss.treeBytes,
        idleProcesses: rss.processes,
        stopMs,
        resumeToRunningMs: resume.runningMs,
        resumeMs: resume.listeningMs
    };
}

async function deleteWorkspace(client: ManagerClient, id: string): Promise<void> {
    await client.after(() => client.call('DeleteWorkspace', { id }), id, isDeleted, 'delete', DELETE_TIMEOUT_MS);
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

/**
 * A manager in a temporary data folder with one tenant's client watching; cleanup deletes the workspaces, stops the
 * manager, stops any IDE still running from the folder and removes it.
 */
async function openManager(cleanup: Cleanup): Promise<ManagerClient> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-workspaces-'));
    cleanup.add(`Removing ${dataDir}`, () => fs.rmSync(dataDir, { recursive: true, force: true }));
    // Whatever the manager could not stop (an interrupted run, a failed stop): every IDE started in the data folder.
    cleanup.add('Stopping IDEs left in the data folder', async () => {
        const left = await stopProcessesUnder(dataDir);
        if (left > 0) {
            log(`cleanup: stopped ${left} IDE process group(s) left in the data folder`);
        }
    });
    const manager = await startManager({
        dataDir, port: await freePort(), templateDir: path.join(REPO, 'examples', 'hello'),
        log: entry => { if (entry.level !== 'info') { log(`manager ${entry.level}: ${entry.msg} ${entry.workspace ?? ''} ${entry.error ?? ''}`); } }
    });
    cleanup.add('Stopping the manager', () => manager.stop());
    const client = new ManagerClient(manager.address, manager.store.createToken(TENANT, 'bench').token);
    cleanup.add('Closing the gRPC client', () => client.close());
    await client.watch();
    cleanup.add('Deleting the workspaces', async () => {
        for (const ws of (await client.call<{ workspaces: Workspace__Output[] }>('ListWorkspaces', {})).workspaces) {
            await deleteWorkspace(client, ws.id).catch(err => log(`cleanup: ${(err as Error).message}`));
        }
    });
    return client;
}

/**
 * The warm-up direct starts, then per round one direct start and one workspace, alternating which goes first, so
 * that a slow phase of the machine hits both alike. One IDE runs at a time.
 */
async function measureAll(count: number, warmup: number, failures: Failure[]): Promise<{ direct: DirectRun[]; runs: WorkspaceRun[] }> {
    const direct: DirectRun[] = [];
    const runs: WorkspaceRun[] = [];
    const cleanup = new Cleanup(log);
    try {
        let client: ManagerClient | undefined;
        try {
            client = await openManager(cleanup);
        } catch (err) {
            log(`manager FAILED: ${(err as Error).message}`);
            failures.push({ mode: 'manager', run: 0, step: 'manager', error: (err as Error).message });
        }
        const directRunner = new Runner('direct', failures);
        const managerRunner = new Runner('manager', failures);
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
                }
            }
        }
    } finally {
        await cleanup.runAll();
    }
    return { direct, runs };
}

/** a's percentile minus b's, for p50 and p95; null when either is missing. */
function added(a: Summary | null, b: Summary | null): { p50: number; p95: number } | null {
    return a && b ? { p50: round(a.p50 - b.p50), p95: round(a.p95 - b.p95) } : null;
}

async function main(): Promise<number> {
    const count = positiveInt('BENCH_WORKSPACES', 10, 1);
    const warmup = positiveInt('BENCH_WARMUP', 1, 0);
    const info = machine();
    log(`${count} workspaces, ${count} direct starts (+${warmup} warm-up) on ${info.cpus} CPUs`);
    const failures: Failure[] = [];
    const { direct, runs } = await measureAll(count, warmup, failures);

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
        resumeMs: summarize(runs.map(r => r.resumeMs)),
        resumeToRunningMs: summarize(runs.map(r => r.resumeToRunningMs)),
        idleRssMB: summarize(runs.map(r => mb(r.idleRssBytes)), 1),
        idleProcesses: summarize(runs.map(r => r.idleProcesses))
    };
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
        targets: {
            createP50Within4s: manager.createToListeningMs !== null && manager.createToListeningMs.p50 <= CREATE_TARGET_MS,
            resumeP50Within3s: manager.resumeMs !== null && manager.resumeMs.p50 <= RESUME_TARGET_MS,
            note: `createP50Within4s: p50 of manager.createToListeningMs (CreateWorkspace sent → RUNNING with a url → GET 200) <= ${CREATE_TARGET_MS} ms. `
                + `resumeP50Within3s: p50 of manager.resumeMs (StartWorkspace on a stopped workspace sent → RUNNING → GET 200) <= ${RESUME_TARGET_MS} ms. `
                + 'A target is false when its metric is missing because every workspace failed.'
        },
        failures
    };
    publish('workspaces', report.date, report, log);
    return failures.length > 0 ? 1 : 0;
}

runMain(log, main);
