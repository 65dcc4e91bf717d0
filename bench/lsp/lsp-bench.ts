/**
 * LSP latency benchmark: hover, definition and completion on a generated medium-sized Go module, (a) sent straight to gopls
 * over its stdio and (b) through the IDE in Chromium, from the key to the answer on screen. Prints one JSON object on
 * stdout (progress goes to stderr) and writes it to bench/results/. See bench/README.md.
 * Run through bench/lsp/run.sh, which compiles this file first.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measureBothModes, runMain } from '../support/bench-main';
import { Cleanup, gitCommit, Log, logger, machine, positiveInt, publish } from '../support/harness';
import { round, summarize, Summary } from '../support/stats';
import { measureDirect } from './direct';
import { generateModule, MAIN_FILE, ModuleInfo } from './generate-module';
import { measureIde } from './ide';
import { Kind, KINDS } from './requests';
import { Failure, Sampled, SamplingOptions } from './sampling';
import { chromiumPath } from '@warren/testing';

/** The target: the IDE adds at most this much to what gopls takes directly. */
const TARGET_ADDED_P50_MS = 30;
const TARGET_ADDED_P95_MS = 60;
/**
 * Idle time between putting the cursor on a target and sending the request, in both modes. In the IDE a cursor move
 * makes Monaco ask gopls for document highlights and code actions after its own delays (250 ms and less); the pause
 * lets those finish so a sample times its request, not a queue behind them. The direct client waits alike.
 */
const PAUSE_MS = 500;
const SAMPLE_TIMEOUT_MS = 30_000;
/** gopls loads the module (type-checks its 26 packages and what they import) on the first request. */
const LOAD_TIMEOUT_MS = 180_000;

const log = logger('lsp');

type KindSummaries = Record<Kind, Summary | null>;

function summaries(sampled: Sampled | undefined): KindSummaries {
    const of = (kind: Kind): Summary | null => summarize(sampled?.samples[kind] ?? [], 1);
    return { hover: of('hover'), definition: of('definition'), completion: of('completion') };
}

/** IDE minus direct, per request kind, at p50 and p95 (ms); null where either side has no samples. */
function added(direct: KindSummaries, ide: KindSummaries): Record<Kind, { p50: number; p95: number } | null> {
    const diff = (kind: Kind): { p50: number; p95: number } | null => {
        const d = direct[kind];
        const i = ide[kind];
        return d && i ? { p50: round(i.p50 - d.p50, 1), p95: round(i.p95 - d.p95, 1) } : null;
    };
    return { hover: diff('hover'), definition: diff('definition'), completion: diff('completion') };
}

function targets(diff: ReturnType<typeof added>): Record<string, boolean | string> {
    const all = (ok: (d: { p50: number; p95: number }) => boolean): boolean => KINDS.every(k => diff[k] !== null && ok(diff[k]!));
    return {
        addedAtMost30msP50: all(d => d.p50 <= TARGET_ADDED_P50_MS),
        addedAtMost60msP95: all(d => d.p95 <= TARGET_ADDED_P95_MS),
        note: `For each of hover, definition and completion: the IDE's p50 minus the direct client's p50 <= ${TARGET_ADDED_P50_MS} ms, `
            + `and the same for p95 <= ${TARGET_ADDED_P95_MS} ms (a difference of percentiles, not a percentile of differences). `
            + 'A target is false when a kind has no samples on either side.'
    };
}

function generate(cleanup: Cleanup, logTo: Log): ModuleInfo {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-lsp-module-'));
    cleanup.add(`Removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const medium = generateModule(path.join(dir, 'medium'));
    logTo(`generated ${medium.files} Go files in ${medium.packages} packages (${medium.lines} lines)`);
    return medium;
}

async function main(): Promise<number> {
    const samples = positiveInt('BENCH_SAMPLES', 30, 1);
    const warmup = positiveInt('BENCH_WARMUP', 3, 1);
    const info = machine(chromiumPath());
    log(`${samples} samples (+${warmup} warm-up rounds) of each request per mode on ${info.cpus} CPUs, ${info.chromium}`);
    const options: SamplingOptions & { loadTimeoutMs: number } = {
        samples, warmup, pauseMs: PAUSE_MS, sampleTimeoutMs: SAMPLE_TIMEOUT_MS, loadTimeoutMs: LOAD_TIMEOUT_MS
    };

    const { prepared: medium, direct, ide, failures } = await measureBothModes(log,
        cleanup => generate(cleanup, log),
        generated => measureDirect(generated, options, log),
        generated => measureIde(generated, options, log),
        (mode, error): Failure => ({ mode, kind: null, round: 0, error }));

    const directSummary = summaries(direct);
    const ideSummary = summaries(ide);
    const diff = added(directSummary, ideSummary);
    const report = {
        bench: 'lsp',
        date: new Date().toISOString(),
        commit: gitCommit(),
        machine: info,
        gopls: direct?.gopls ?? 'unknown',
        module: { files: medium.files, packages: medium.packages, lines: medium.lines, file: MAIN_FILE, targets: medium.targets },
        samples,
        warmupRounds: warmup,
        pauseMs: PAUSE_MS,
        measured: {
            direct: 'performance.now() in Node around connection.sendRequest: the request written to gopls\'s stdin until its response is parsed.',
            ide: 'performance.now() in the page: from the trigger key\'s keydown (capturing listener on window) to the DOM change after '
                + 'which the answer is visible (MutationObserver): the hover with the documentation, the gutter\'s active line number on '
                + 'the definition, a suggestion row with the label. Excludes Playwright\'s round trips, the final paint and the hover\'s fade-in.'
        },
        // Not comparable between the modes: the IDE starts gopls, which starts loading, before main.go is opened.
        loadMs: { direct: direct?.loadMs ?? null, ide: ide?.loadMs ?? null },
        direct: directSummary,
        ide: ideSummary,
        added: diff,
        targets: targets(diff),
        failures
    };
    publish('lsp', report.date, report, log);
    return failures.length > 0 ? 1 : 0;
}

runMain(log, main);
