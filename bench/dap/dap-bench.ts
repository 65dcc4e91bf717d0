/**
 * DAP benchmark: the time from starting a debug session to the program stopped at its breakpoint, and the latency of a
 * step over, (a) with a DAP client straight to dlv and (b) through the IDE in Chromium, from the key to the line shown
 * in the editor. Prints one JSON object on stdout (progress goes to stderr) and writes it to bench/results/. See
 * bench/README.md. Run through bench/dap/run.sh, which compiles this file first.
 */
import { execFileSync } from 'child_process';
import { measureBothModes, runMain } from '../support/bench-main';
import { gitCommit, logger, machine, positiveInt, publish } from '../support/harness';
import { round, summarize, Summary } from '../support/stats';
import { measureDirect } from './direct';
import { measureIde } from './ide';
import { MAIN_FILE } from './program';
import { makeSandbox } from './sandbox';
import { Failure, Metric, SamplingOptions } from './sampling';
import { chromiumPath } from '@warren/testing';

/** The targets: the IDE adds at most this much to start-to-breakpoint (p50), and shows a step this fast (p95). */
const TARGET_ADDED_START_P50_MS = 300;
const TARGET_STEP_P95_MS = 250;
/**
 * Idle time before every start and every step, in both modes. After a stop the IDE fetches the scopes and variables
 * of the Variables view and renders them; the pause lets that finish, so a sample times its own action, not a queue
 * behind the previous one. The direct client waits alike.
 */
const PAUSE_MS = 500;
const SAMPLE_TIMEOUT_MS = 60_000;
/** The first session may build the program and the runtime it links (with dlv's -N -l) into an empty cache. */
const WARMUP_TIMEOUT_MS = 300_000;

const log = logger('dap');

type MetricSummaries = Record<Metric, Summary | null>;
type Pair = { p50: number; p95: number } | null;

function summaries(samples: Record<Metric, number[]> | undefined): MetricSummaries {
    return { startToBreakpoint: summarize(samples?.startToBreakpoint ?? [], 1), step: summarize(samples?.step ?? [], 1) };
}

/** Combines the two modes' summaries of each metric at p50 and p95; null where either side has no samples. */
function combine(direct: MetricSummaries, ide: MetricSummaries, f: (i: number, d: number) => number): Record<Metric, Pair> {
    const of = (metric: Metric): Pair => {
        const d = direct[metric];
        const i = ide[metric];
        return d && i ? { p50: f(i.p50, d.p50), p95: f(i.p95, d.p95) } : null;
    };
    return { startToBreakpoint: of('startToBreakpoint'), step: of('step') };
}

function targets(added: Record<Metric, Pair>, ide: MetricSummaries): Record<string, boolean | string> {
    return {
        ideAddsAtMost300msToStart: added.startToBreakpoint !== null && added.startToBreakpoint.p50 <= TARGET_ADDED_START_P50_MS,
        stepShownWithin250msP95: ide.step !== null && ide.step.p95 <= TARGET_STEP_P95_MS,
        note: `ideAddsAtMost300msToStart: the IDE's p50 start-to-breakpoint minus the direct client's p50 <= ${TARGET_ADDED_START_P50_MS} ms; `
            + `stepShownWithin250msP95: the IDE's p95 step, F10 to the next line shown in the editor, <= ${TARGET_STEP_P95_MS} ms. `
            + 'Both with a warm Go build cache. A target is false when a side it needs has no samples.'
    };
}

function goVersion(env: NodeJS.ProcessEnv): string {
    try {
        return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env, timeout: 10_000 }).trim();
    } catch {
        return 'unknown';
    }
}

async function main(): Promise<number> {
    const sessions = positiveInt('BENCH_SAMPLES', 10, 1);
    const steps = positiveInt('BENCH_STEPS', 3, 1);
    const warmup = positiveInt('BENCH_WARMUP', 1, 1);
    const info = machine(chromiumPath());
    log(`${sessions} sessions (+${warmup} warm-up) of ${steps} steps each per mode on ${info.cpus} CPUs, ${info.chromium}`);
    const options: SamplingOptions = {
        sessions, steps, warmup, pauseMs: PAUSE_MS, sampleTimeoutMs: SAMPLE_TIMEOUT_MS, warmupTimeoutMs: WARMUP_TIMEOUT_MS
    };

    const { prepared, direct, ide, failures } = await measureBothModes(log,
        cleanup => {
            const sandbox = makeSandbox(cleanup);
            // Before the sandbox is removed: the go command writes to its HOME.
            return { sandbox, go: goVersion(sandbox.env) };
        },
        ({ sandbox }) => measureDirect(sandbox, options, log),
        ({ sandbox }) => measureIde(sandbox, options, log),
        (mode, error): Failure => ({ mode, kind: null, session: 0, error }));
    const { sandbox, go } = prepared;

    const directSummary = summaries(direct?.samples);
    const ideSummary = summaries(ide?.samples);
    const added = combine(directSummary, ideSummary, (i, d) => round(i - d, 1));
    const program = sandbox.program;
    const report = {
        bench: 'dap',
        date: new Date().toISOString(),
        commit: gitCommit(),
        machine: info,
        dlv: direct?.dlv ?? 'unknown',
        go,
        program: {
            file: MAIN_FILE,
            breakpointLine: program.breakpointLine,
            steppedLines: [program.loopLine, ...program.bodyLines],
            iterations: program.iterations
        },
        samples: sessions,
        stepsPerSession: steps,
        warmupSessions: warmup,
        pauseMs: PAUSE_MS,
        measured: {
            direct: {
                startToBreakpoint: 'performance.now() in Node from spawning `dlv dap` to the arrival of the `stopped` event at the breakpoint: '
                    + 'dlv listens, connect, initialize, launch (dlv builds and starts the program), initialized, setBreakpoints, '
                    + 'configurationDone, the program runs to the breakpoint.',
                step: 'performance.now() in Node from writing the `next` request to the arrival of the `stopped` event.'
            },
            ide: {
                startToBreakpoint: 'performance.now() in the page from F5\'s keydown (capturing listener on window) to the DOM change after '
                    + 'which the editor shows the top stack frame decoration on the breakpoint\'s line (MutationObserver).',
                step: 'The same from F10\'s keydown to the decoration on the next line. Excludes Playwright\'s round trips and the final paint.'
            },
            topFrame: 'direct.topFrame: the direct intervals extended to the arrival of the threads and stackTrace responses that '
                + 'the IDE asks for after a `stopped` event before it can show the line (information, not in `added` or `ratio`).'
        },
        direct: { ...directSummary, topFrame: summaries(direct?.topFrame) },
        ide: ideSummary,
        added,
        ratio: combine(directSummary, ideSummary, (i, d) => (d === 0 ? 0 : round(i / d, 2))),
        targets: targets(added, ideSummary),
        failures
    };
    publish('dap', report.date, report, log);
    return failures.length > 0 ? 1 : 0;
}

runMain(log, main);
