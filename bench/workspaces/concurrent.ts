/**
 * The concurrent part of the workspaces bench, on the same manager as the serial part:
 *
 *   serial baseline: `count` workspaces created one after the other, each once the one before listens; all stay
 *                    running until the baseline is done. Time from the first CreateWorkspace to the last GET 200.
 *   bursts:          `victims` workspaces are started first and left idle; then `count` workspaces are created at
 *                    once, and while those starts are under way each victim in turn is stopped (StopWorkspace sent
 *                    → PHASE_STOPPED: the manager's whole stop path, prepare-stop to the IDE included). Time from
 *                    the first CreateWorkspace to the last GET 200, and each stop's latency. Between bursts the
 *                    burst's workspaces are deleted and the victims started again (not timed).
 */
import { performance } from 'perf_hooks';
import { Log, sleep } from '../support/harness';
import { IDLE_MS, START_TIMEOUT_MS } from './direct';
import { isRunning, ManagerClient } from './manager-client';
import { waitHttp200 } from './processes';
import { deleteWorkspace, Failure, ManagerLog, step, StepError, timedStop, untilListening } from './steps';

/**
 * How long a workspace of a burst may take to listen, as the bench waits: longer than the manager's own start
 * timeout (60 s), so that on a slow machine the manager fails the start (with its reason) before the bench gives up.
 */
export const BURST_START_TIMEOUT_MS = 180_000;
/** After this many failed bursts in a row the concurrent part gives up. */
const MAX_FAILED_BURSTS_IN_A_ROW = 2;

export interface ConcurrencyPlan {
    /** Workspaces per burst, and in the serial baseline. */
    count: number;
    /** Workspaces running before each burst and stopped during it, one after the other. */
    victims: number;
    bursts: number;
}

export interface SerialBaseline {
    /** The first CreateWorkspace sent → the last workspace's url answered 200. */
    allListeningMs: number;
    /** The same up to the last PHASE_RUNNING message. */
    allRunningMs: number;
    /** Each workspace's own CreateWorkspace sent → its GET 200. */
    createToListeningMs: number[];
}

export interface StopSample {
    /** 1-based. */
    burst: number;
    victim: string;
    /** StopWorkspace sent → PHASE_STOPPED (prepare-stop, then the IDE's process group gone). */
    stopMs: number;
    /** StopWorkspace sent → PHASE_STOPPING (the reconciler took it up); null when that message did not come. */
    toStoppingMs: number | null;
    /** When it was sent, from the burst's first CreateWorkspace. */
    issuedAtMs: number;
    /** Some start of the burst was still under way when the stop ended (false: the stop outlasted the starts). */
    endedDuringStarts: boolean;
    /** The manager logged that the IDE did not answer prepare-stop, so the stop went ahead without saving. */
    prepareStopUnanswered: boolean;
}

export interface BurstResult {
    /** 1-based. */
    burst: number;
    /** The first CreateWorkspace sent → the last GET 200; null when a start of the burst failed. */
    allListeningMs: number | null;
    allRunningMs: number | null;
    /** Each workspace that got there: its own CreateWorkspace sent → its GET 200. */
    createToListeningMs: number[];
    stops: StopSample[];
    /** Victims whose turn came after every start of the burst had ended: not stopped, no sample. */
    stopsNotIssued: number;
}

export interface ConcurrencyResult {
    serial: SerialBaseline | undefined;
    bursts: BurstResult[];
}

function failureOf(err: unknown, fallback: string): { step: string; message: string } {
    return { step: err instanceof StepError ? err.step : fallback, message: (err as Error).message };
}

/** Creates id and waits until it runs and answers 200; resolves with when each happened. */
async function createListening(client: ManagerClient, id: string, stepName: string, timeoutMs: number, onSent?: (call: Promise<unknown>) => void): Promise<{ sent: number; runningAt: number; answeredAt: number; listeningMs: number }> {
    const sent = performance.now();
    const created = await step(stepName, () => client.after(() => {
        const call = client.api.createWorkspace({ id, name: id, className: 'small' });
        onSent?.(call);
        return call;
    }, id, isRunning, 'create → running', timeoutMs));
    const listening = await step(stepName, () => untilListening(client, created.workspace, created.at, sent, timeoutMs));
    return { sent, runningAt: created.at, answeredAt: listening.answeredAt, listeningMs: listening.listeningMs };
}

/** Deletes every id, all at once, and waits until each is gone; what cannot be deleted is logged, not thrown. */
async function deleteAll(client: ManagerClient, ids: string[], log: Log): Promise<void> {
    const known = new Set((await client.api.listWorkspaces()).map(ws => ws.id));
    await Promise.all(ids.filter(id => known.has(id)).map(id => deleteWorkspace(client, id).catch(err => log(`deleting ${id}: ${(err as Error).message}`))));
}

/** `count` workspaces one after the other; each stays running. Deleted afterwards, whatever happened. */
async function serialBaseline(client: ManagerClient, count: number, log: Log, failures: Failure[]): Promise<SerialBaseline | undefined> {
    const ids = Array.from({ length: count }, (_, i) => `serial-${i + 1}`);
    try {
        const t0 = performance.now();
        const each: Array<{ runningAt: number; answeredAt: number; listeningMs: number }> = [];
        for (const [i, id] of ids.entries()) {
            try {
                const r = await createListening(client, id, 'serial create', START_TIMEOUT_MS);
                each.push(r);
                log(`serial ${id} (${i + 1}/${count}): create → 200 ${r.listeningMs} ms, ${each.length} running`);
            } catch (err) {
                const { step: s, message } = failureOf(err, 'serial create');
                log(`serial ${id} FAILED at ${s}: ${message}`);
                failures.push({ mode: 'serial', run: i + 1, step: s, error: message });
                return undefined;
            }
        }
        const baseline = {
            allListeningMs: Math.round(Math.max(...each.map(r => r.answeredAt)) - t0),
            allRunningMs: Math.round(Math.max(...each.map(r => r.runningAt)) - t0),
            createToListeningMs: each.map(r => r.listeningMs)
        };
        log(`serial: all ${count} listening after ${baseline.allListeningMs} ms`);
        return baseline;
    } finally {
        log(`serial: deleting ${count} workspace(s)`);
        await deleteAll(client, ids, log);
    }
}

/** Starts (or creates) every victim that is not running and waits until each answers 200, then lets them idle. */
async function victimsRunning(client: ManagerClient, victims: string[], log: Log): Promise<void> {
    const known = new Map((await client.api.listWorkspaces()).map(ws => [ws.id, ws]));
    await Promise.all(victims.map(async id => {
        const ws = known.get(id);
        if (!ws) {
            await createListening(client, id, 'victim start', START_TIMEOUT_MS);
            return;
        }
        if (isRunning(ws, false)) {
            await waitHttp200(ws.status!.url, START_TIMEOUT_MS, client.ideHeaders(id));
            return;
        }
        const started = await step('victim start', () => client.after(() => client.api.startWorkspace({ id }), id, isRunning, 'start → running', START_TIMEOUT_MS));
        await step('victim start', () => waitHttp200(started.workspace.status!.url, START_TIMEOUT_MS, client.ideHeaders(id)));
    }));
    log(`victims: ${victims.join(', ')} running; idling ${IDLE_MS / 1000} s`);
    await sleep(IDLE_MS);
}

/** One burst: `count` creates at once, and the victims stopped one after the other while those starts are under way. */
async function runBurst(client: ManagerClient, b: number, count: number, victims: string[], managerLog: ManagerLog, log: Log, failures: Failure[]): Promise<BurstResult> {
    const ids = Array.from({ length: count }, (_, i) => `b${b}-ws-${i + 1}`);
    const calls: Array<Promise<unknown>> = [];
    const settledAt: number[] = [];
    const t0 = performance.now();
    // after() calls its act at once, so every CreateWorkspace is sent (and its waiter registered) before this returns.
    const starts = ids.map(id => createListening(client, id, 'concurrent create', BURST_START_TIMEOUT_MS, call => calls.push(call))
        .finally(() => settledAt.push(performance.now())));
    await Promise.allSettled(calls);
    const stops: Array<StopSample & { endedAt: number }> = [];
    let stopsNotIssued = 0;
    const stopping = (async () => {
        for (const victim of victims) {
            if (settledAt.length === count) {
                stopsNotIssued++;
                continue;
            }
            const unansweredBefore = managerLog.unansweredPrepareStops(victim);
            const underWay = count - settledAt.length;
            const issued = performance.now();
            try {
                const stop = await timedStop(client, victim);
                stops.push({
                    burst: b, victim, stopMs: stop.stopMs, toStoppingMs: stop.toStoppingMs, issuedAtMs: Math.round(issued - t0), endedDuringStarts: false,
                    prepareStopUnanswered: managerLog.unansweredPrepareStops(victim) > unansweredBefore, endedAt: stop.stoppedAt
                });
                log(`burst ${b}: stop ${victim} ${stop.stopMs} ms (stopping after ${stop.toStoppingMs ?? '-'} ms; sent at +${Math.round(issued - t0)} ms, `
                    + `${underWay} start(s) under way then)`);
            } catch (err) {
                log(`burst ${b}: stop ${victim} FAILED: ${(err as Error).message}`);
                failures.push({ mode: 'concurrent', run: b, step: 'stop during burst', error: `${victim}: ${(err as Error).message}` });
            }
        }
    })();
    const results = await Promise.allSettled(starts);
    await stopping;
    const lastSettled = Math.max(...settledAt);
    const ok: Array<{ runningAt: number; answeredAt: number; listeningMs: number }> = [];
    results.forEach((r, i) => {
        if (r.status === 'fulfilled') {
            ok.push(r.value);
        } else {
            const { step: s, message } = failureOf(r.reason, 'concurrent create');
            log(`burst ${b}: ${ids[i]} FAILED at ${s}: ${message}`);
            failures.push({ mode: 'concurrent', run: b, step: s, error: `${ids[i]}: ${message}` });
        }
    });
    const all = ok.length === count;
    const burst: BurstResult = {
        burst: b,
        allListeningMs: all ? Math.round(Math.max(...ok.map(r => r.answeredAt)) - t0) : null,
        allRunningMs: all ? Math.round(Math.max(...ok.map(r => r.runningAt)) - t0) : null,
        createToListeningMs: ok.map(r => r.listeningMs),
        stops: stops.map(({ endedAt, ...s }) => ({ ...s, endedDuringStarts: endedAt < lastSettled })),
        stopsNotIssued
    };
    log(`burst ${b}: ${ok.length}/${count} listening${all ? ` after ${burst.allListeningMs} ms` : ''}; ${stops.length} stop(s) measured`);
    return burst;
}

/** The serial baseline, then the bursts with their stops; every workspace it made is deleted at the end. */
export async function measureConcurrency(client: ManagerClient, plan: ConcurrencyPlan, managerLog: ManagerLog, log: Log, failures: Failure[]): Promise<ConcurrencyResult> {
    const serial = await serialBaseline(client, plan.count, log, failures);
    const bursts: BurstResult[] = [];
    const victims = Array.from({ length: plan.victims }, (_, i) => `victim-${i + 1}`);
    try {
        try {
            await victimsRunning(client, victims, log);
        } catch (err) {
            const { step: s, message } = failureOf(err, 'victim start');
            log(`victims FAILED at ${s}: ${message}`);
            failures.push({ mode: 'concurrent', run: 0, step: s, error: message });
            return { serial, bursts };
        }
        let failedInARow = 0;
        for (let b = 1; b <= plan.bursts && failedInARow < MAX_FAILED_BURSTS_IN_A_ROW; b++) {
            log(`burst ${b}/${plan.bursts}: ${plan.count} workspace(s) at once, stopping ${victims.length} victim(s) meanwhile`);
            const failedBefore = failures.length;
            const ids = Array.from({ length: plan.count }, (_, i) => `b${b}-ws-${i + 1}`);
            try {
                bursts.push(await runBurst(client, b, plan.count, victims, managerLog, log, failures));
            } finally {
                log(`burst ${b}: deleting its ${plan.count} workspace(s)`);
                await deleteAll(client, ids, log);
            }
            failedInARow = failures.length > failedBefore ? failedInARow + 1 : 0;
            if (b < plan.bursts) {
                try {
                    await victimsRunning(client, victims, log);
                } catch (err) {
                    const { step: s, message } = failureOf(err, 'victim start');
                    log(`victims FAILED at ${s}: ${message}`);
                    failures.push({ mode: 'concurrent', run: b, step: s, error: message });
                    break;
                }
            }
        }
        return { serial, bursts };
    } finally {
        await deleteAll(client, victims, log);
    }
}

