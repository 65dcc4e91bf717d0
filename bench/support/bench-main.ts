/** The skeleton the benches that compare a direct client with the IDE share: both modes in turn, then the exit code. */
import { Cleanup, cleanUpOnSignals, Log } from './harness';

export type Mode = 'direct' | 'ide';

/** What both modes of a bench measure: its samples and the failures among them. */
export interface ModeResult<F> {
    failures: F[];
}

export interface BothModes<S, D, I, F> {
    /** What prepare made (the sandbox or the generated module); its folders are already removed. */
    prepared: S;
    direct: D | undefined;
    ide: I | undefined;
    /** Both modes' failures, each mode's as a whole included. */
    failures: F[];
}

/** How a bench records a mode that failed as a whole (the IDE never loads, say). */
export type WholeModeFailure<F> = (mode: Mode, error: string) => F;

/** Runs one mode; a mode that fails as a whole is a failure, and the other mode still runs. */
async function runMode<F, T extends ModeResult<F>>(mode: Mode, run: () => Promise<T>, failures: F[], failed: WholeModeFailure<F>, log: Log): Promise<T | undefined> {
    try {
        const result = await run();
        failures.push(...result.failures);
        return result;
    } catch (err) {
        log(`${mode} FAILED: ${(err as Error).message}`);
        failures.push(failed(mode, (err as Error).message));
        return undefined;
    }
}

/**
 * Prepares what both modes work on (cleanup removes it once both are done, or when the bench is interrupted), then
 * measures the direct mode and after it the IDE, one at a time so they do not compete for the machine.
 */
export async function measureBothModes<S, D extends ModeResult<F>, I extends ModeResult<F>, F>(
    log: Log, prepare: (cleanup: Cleanup) => S, direct: (prepared: S) => Promise<D>, ide: (prepared: S) => Promise<I>,
    failed: WholeModeFailure<F>
): Promise<BothModes<S, D, I, F>> {
    const cleanup = new Cleanup(log);
    const failures: F[] = [];
    try {
        const prepared = prepare(cleanup);
        const d = await runMode('direct', () => direct(prepared), failures, failed, log);
        const i = await runMode('ide', () => ide(prepared), failures, failed, log);
        return { prepared, direct: d, ide: i, failures };
    } finally {
        await cleanup.runAll();
    }
}

/** Runs a bench's main, which returns the exit code, with cleanup on Ctrl+C; an error exits with 1 after its stack. */
export function runMain(log: Log, main: () => Promise<number>): void {
    cleanUpOnSignals(log);
    main().then(code => process.exit(code), (err: Error) => {
        log(`error: ${err.stack ?? err.message}`);
        process.exit(1);
    });
}
