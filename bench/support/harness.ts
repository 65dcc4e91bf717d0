/** What every benchmark shares: bounded waits, cleanup that always runs, the machine description and the result file. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { round } from './stats';

/** bench/lib/support/ → the repository root. */
export const REPO = path.resolve(__dirname, '..', '..', '..');
const CLEANUP_TIMEOUT_MS = 15_000;
const MB = 1_000_000;

export type Log = (message: string) => void;

/** A logger to stderr with the bench's name in front, so stdout carries nothing but the JSON. */
export function logger(bench: string): Log {
    return message => process.stderr.write(`[bench:${bench}] ${message}\n`);
}

export function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/** Rejects with a message naming what timed out; the operation itself is stopped by the cleanup that follows. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function positiveInt(name: string, fallback: number, min: number): number {
    const raw = process.env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min) {
        throw new Error(`${name}=${raw} is not a whole number >= ${min}`);
    }
    return value;
}

/**
 * What a run must undo, in reverse order, even when it fails or the bench is interrupted: browsers, IDE process
 * groups, language servers, temp folders. Each step is bounded so one stuck step cannot keep the rest from running.
 */
export class Cleanup {
    static readonly active = new Set<Cleanup>();
    private readonly steps: Array<{ what: string; run: () => Promise<void> | void }> = [];

    constructor(private readonly log: Log) {
        Cleanup.active.add(this);
    }

    add(what: string, run: () => Promise<void> | void): void {
        this.steps.push({ what, run });
    }

    async runAll(): Promise<void> {
        Cleanup.active.delete(this);
        for (const step of this.steps.splice(0).reverse()) {
            try {
                await withTimeout(Promise.resolve(step.run()), CLEANUP_TIMEOUT_MS, step.what);
            } catch (err) {
                this.log(`cleanup: ${(err as Error).message}`);
            }
        }
    }
}

/** Ctrl+C or a CI timeout: undo what the runs in progress set up (IDEs, browsers, folders) before exiting. */
export function cleanUpOnSignals(log: Log): void {
    const onSignal = (signal: NodeJS.Signals): void => {
        log(`${signal}: cleaning up`);
        Promise.all([...Cleanup.active].map(c => c.runAll())).finally(() => process.exit(128 + os.constants.signals[signal]));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
}

export function chromiumVersion(chromium: string): string {
    try {
        // Debian's wrapper script prints shell noise on stderr; only the version line matters.
        return execFileSync(chromium, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch (err) {
        return `unknown (${(err as Error).message.split('\n')[0]})`;
    }
}

export function gitCommit(): string | null {
    try {
        const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
        const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
        return dirty ? `${head}+dirty` : head;
    } catch {
        return null;
    }
}

/** Bytes in MB (10^6 bytes), one decimal. */
export function mb(bytes: number): number {
    return round(bytes / MB, 1);
}

/** The machine the numbers were taken on; chromium's version only for the benches that drive a browser. */
export function machine(chromium?: string): Record<string, unknown> {
    const cpus = os.cpus();
    return {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        memoryMB: mb(os.totalmem()),
        loadAverage1m: round(os.loadavg()[0], 2),
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
        ...(chromium === undefined ? {} : { chromium: chromiumVersion(chromium) })
    };
}

/** Indented JSON, with arrays of numbers (the samples) kept on one line so the report stays readable. */
export function toJson(value: unknown): string {
    return JSON.stringify(value, null, 2)
        .replace(/\[\s+(-?[\d.]+(?:,\s+-?[\d.]+)*)\s+\]/g, (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`);
}

/** Writes the report to bench/results/<bench>-<date>.json and prints it on stdout. */
export function publish(bench: string, date: string, report: unknown, log: Log): void {
    const json = toJson(report);
    const resultsDir = path.join(REPO, 'bench', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${bench}-${date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${json}\n`);
    log(`wrote ${path.relative(REPO, file)}`);
    process.stdout.write(`${json}\n`);
}
