/** The session loop both ways of measuring share: warm-up sessions, measured sessions, steps, failures, pauses alike. */
import type { Mode } from '../support/bench-main';
import { Log, sleep } from '../support/harness';
import { round } from '../support/stats';
import { lineAfterStep, ProgramInfo } from './program';

/** Re-exported: the bench's own modules name the mode with the rest of the sampling types. */
export type { Mode };
export type Metric = 'startToBreakpoint' | 'step';

export interface Timed {
    ms: number;
    /** Direct only: until the stack trace that shows the line was answered too (information, see direct.ts). */
    topFrameMs?: number;
}

/** One way of debugging the program: a DAP client straight to dlv, or the IDE in Chromium. */
export interface Driver {
    /** Starts a session that stops at the program's breakpoint; throws after timeoutMs or when it stops elsewhere. */
    start(timeoutMs: number): Promise<Timed>;
    /** Steps over from line `from`; throws after timeoutMs or when the step does not stop on line `to`. */
    step(from: number, to: number, timeoutMs: number): Promise<Timed>;
    /**
     * Ends the session, if any, not timed: the program is terminated, and this returns once dlv and the program have
     * exited, so that every session starts from the same state.
     */
    stop(): Promise<void>;
}

export interface SamplingOptions {
    /** Measured sessions: each gives one start-to-breakpoint sample and `steps` step samples. */
    sessions: number;
    steps: number;
    /** Sessions run first and not kept: they warm Go's build cache (the direct mode's first) and the IDE. */
    warmup: number;
    /** Idle time before every start and every step, see dap-bench.ts. */
    pauseMs: number;
    sampleTimeoutMs: number;
    /** For the warm-up's start, which may build the program and the runtime with a cold cache. */
    warmupTimeoutMs: number;
}

export interface Failure {
    mode: Mode;
    /** null: the mode failed as a whole (the IDE never loaded, a session could not be ended). */
    kind: Metric | null;
    /** 1-based measured session; 0 for a warm-up session. */
    session: number;
    error: string;
}

export interface Sampled {
    samples: Record<Metric, number[]>;
    /** Direct only, see Timed.topFrameMs. */
    topFrame: Record<Metric, number[]>;
    failures: Failure[];
}

/** After this many failed sessions in a row the mode is given up: something is broken, not slow. */
const MAX_FAILURES_IN_A_ROW = 3;

/**
 * `warmup` sessions that are not kept, then `sessions` sessions. Each starts the program to its breakpoint, steps
 * over `steps` times, and is ended. A failure is recorded, the session is ended, and the next one goes on.
 */
export async function sampleSessions(mode: Mode, driver: Driver, program: ProgramInfo, options: SamplingOptions, log: Log): Promise<Sampled> {
    const samples: Record<Metric, number[]> = { startToBreakpoint: [], step: [] };
    const topFrame: Record<Metric, number[]> = { startToBreakpoint: [], step: [] };
    const failures: Failure[] = [];
    let inARow = 0;
    for (let s = -options.warmup; s < options.sessions; s++) {
        const kept = s >= 0;
        const times: Record<Metric, string[]> = { startToBreakpoint: [], step: [] };
        const keep = (metric: Metric, timed: Timed): void => {
            const ms = round(timed.ms, 1);
            times[metric].push(String(ms));
            if (kept) {
                samples[metric].push(ms);
                if (timed.topFrameMs !== undefined) {
                    topFrame[metric].push(round(timed.topFrameMs, 1));
                }
            }
        };
        let metric: Metric = 'startToBreakpoint';
        try {
            await sleep(options.pauseMs);
            keep(metric, await driver.start(kept ? options.sampleTimeoutMs : options.warmupTimeoutMs));
            metric = 'step';
            let line = program.breakpointLine;
            for (let i = 0; i < options.steps; i++) {
                await sleep(options.pauseMs);
                const to = lineAfterStep(program, line);
                keep(metric, await driver.step(line, to, options.sampleTimeoutMs));
                line = to;
            }
            inARow = 0;
        } catch (err) {
            const error = (err as Error).message;
            times[metric].push('FAILED');
            log(`${mode} ${metric} failed: ${error}`);
            failures.push({ mode, kind: metric, session: kept ? s + 1 : 0, error });
            if (++inARow >= MAX_FAILURES_IN_A_ROW) {
                await driver.stop().catch(() => undefined);
                throw new Error(`${mode}: ${inARow} sessions failed in a row; the last: ${error}`);
            }
        }
        try {
            await driver.stop();
        } catch (err) {
            throw new Error(`${mode}: the session could not be ended, so the next would not start from the same state: ${(err as Error).message}`);
        }
        const steps = times.step.length > 0 ? `, steps ${times.step.join(' ')}` : '';
        log(`${mode} ${kept ? `session ${s + 1}/${options.sessions}` : 'warm-up'}: start ${times.startToBreakpoint.join(' ') || '-'}${steps} ms`);
    }
    return { samples, topFrame, failures };
}
