/** The sampling loop both ways of measuring share: warm-up rounds, measured rounds, failures recorded, pauses alike. */
import type { Mode } from '../support/bench-main';
import { Log, sleep } from '../support/harness';
import { round } from '../support/stats';
import { Kind, KINDS } from './requests';

/** Re-exported: the bench's own modules name the mode with the rest of the sampling types. */
export type { Mode };

/** One way of sending the requests: straight to gopls, or through the IDE in Chromium. */
export interface Driver {
    /** Sets up a request without timing it (the IDE moves its cursor to the target). */
    prepare(kind: Kind): Promise<void>;
    /** Sends the request and returns its latency in ms, once the answer was checked; throws after timeoutMs. */
    measure(kind: Kind, timeoutMs: number): Promise<number>;
    /** Brings the driver back to a known state after a failed request. */
    recover(): Promise<void>;
}

export interface SamplingOptions {
    samples: number;
    warmup: number;
    /** Idle time between setting up a request and sending it, see lsp-bench.ts. */
    pauseMs: number;
    sampleTimeoutMs: number;
}

export interface Failure {
    mode: Mode;
    /** null: the mode failed as a whole (gopls or the IDE never loaded the module, say). */
    kind: Kind | null;
    /** 1-based measured round; 0 for a warm-up round. */
    round: number;
    error: string;
}

export interface Sampled {
    samples: Record<Kind, number[]>;
    failures: Failure[];
}

/** After this many failed requests in a row the mode is given up: something is broken, not slow. */
const MAX_FAILURES_IN_A_ROW = 3;

/**
 * `warmup` rounds that are not kept, then `samples` rounds; each round sends hover, definition and completion in
 * that order. A failed request is recorded and the round goes on.
 */
export async function sampleRounds(mode: Mode, driver: Driver, options: SamplingOptions, log: Log): Promise<Sampled> {
    const samples: Record<Kind, number[]> = { hover: [], definition: [], completion: [] };
    const failures: Failure[] = [];
    let inARow = 0;
    for (let r = -options.warmup; r < options.samples; r++) {
        const times: string[] = [];
        for (const kind of KINDS) {
            try {
                await driver.prepare(kind);
                await sleep(options.pauseMs);
                const ms = round(await driver.measure(kind, options.sampleTimeoutMs), 1);
                times.push(`${kind} ${ms}`);
                if (r >= 0) {
                    samples[kind].push(ms);
                }
                inARow = 0;
            } catch (err) {
                const error = (err as Error).message;
                times.push(`${kind} FAILED`);
                log(`${mode} ${kind} failed: ${error}`);
                failures.push({ mode, kind, round: r < 0 ? 0 : r + 1, error });
                if (++inARow >= MAX_FAILURES_IN_A_ROW) {
                    throw new Error(`${mode}: ${inARow} requests failed in a row; the last: ${error}`);
                }
                await driver.recover();
            }
        }
        log(`${mode} ${r < 0 ? 'warm-up' : `round ${r + 1}/${options.samples}`}: ${times.join(', ')} ms`);
    }
    return { samples, failures };
}
