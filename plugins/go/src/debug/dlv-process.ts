import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { isExecutableFile } from '@warren/go-toolchain';

export interface DlvDapOptions {
    /** The dlv binary. */
    dlvPath: string;
    /** Where dlv runs (and builds the program). */
    cwd: string;
    env: NodeJS.ProcessEnv;
    /** Extra flags for `dlv dap`, e.g. ["--log", "--log-output=dap"]. */
    flags?: string[];
    /** Everything dlv (and, in older versions, the program) writes on stdout and stderr. */
    onOutput?: (text: string, stream: DlvStream) => void;
    startTimeoutMs?: number;
}

export interface DlvDap {
    host: string;
    port: number;
    process: ChildProcess;
    /** SIGTERM, then SIGKILL when dlv has not exited after the timeout. */
    stop(timeoutMs?: number): Promise<void>;
}

export type DlvStream = 'stdout' | 'stderr';

export interface DlvAddress {
    host: string;
    port: number;
}

/** `[ \t]`, not `\s`: a match must not run on into the next line. */
const LISTENING = /DAP server listening at:[ \t]*(\S+):(\d+)/;
/** How much of dlv's output before the address is kept, to say why it did not start. */
export const KEPT_OUTPUT_LIMIT = 64 * 1024;

/**
 * Finds dlv's "DAP server listening at: host:port" line in its stdout and stderr as the chunks come.
 * Each chunk is scanned once, with its own stream's unfinished last line (the streams interleave), and a line
 * only once it is complete: a port split across two chunks would read short. Once the address is found,
 * nothing is scanned or kept any more: a debug session may run for hours and write megabytes.
 */
export class ListeningDetector {
    private readonly unfinished: Record<DlvStream, string> = { stdout: '', stderr: '' };
    private kept = '';
    private cut = false;
    private found: DlvAddress | undefined;

    get address(): DlvAddress | undefined {
        return this.found;
    }

    /** The last KEPT_OUTPUT_LIMIT characters before the address, '…' first when some were dropped; empty once found. */
    get output(): string {
        return (this.cut || this.kept.length > KEPT_OUTPUT_LIMIT ? '…' : '') + lastChars(this.kept, KEPT_OUTPUT_LIMIT);
    }

    /** The characters held, at most 3 × 2 × KEPT_OUTPUT_LIMIT; 0 once found. */
    get heldChars(): number {
        return this.kept.length + this.unfinished.stdout.length + this.unfinished.stderr.length;
    }

    /** Returns the address from the chunk that completes its line; undefined before, and after. */
    push(text: string, stream: DlvStream): DlvAddress | undefined {
        if (this.found) {
            return undefined;
        }
        const all = this.kept + text;
        this.kept = trimmed(all);
        this.cut ||= this.kept.length < all.length;
        const end = text.lastIndexOf('\n');
        if (end < 0) {
            this.unfinished[stream] = trimmed(this.unfinished[stream] + text);
            return undefined;
        }
        const lines = this.unfinished[stream] + text.slice(0, end + 1);
        this.unfinished[stream] = trimmed(text.slice(end + 1));
        const m = LISTENING.exec(lines);
        if (!m) {
            return undefined;
        }
        this.found = { host: m[1], port: Number(m[2]) };
        this.unfinished.stdout = this.unfinished.stderr = this.kept = '';
        this.cut = false;
        return this.found;
    }
}

/** Cuts to the last KEPT_OUTPUT_LIMIT characters only past twice that, so that appending stays linear. */
function trimmed(text: string): string {
    return text.length > 2 * KEPT_OUTPUT_LIMIT ? lastChars(text, KEPT_OUTPUT_LIMIT) : text;
}

function lastChars(text: string, limit: number): string {
    return text.length > limit ? text.slice(text.length - limit) : text;
}

/**
 * Starts `dlv dap` on 127.0.0.1 with a port the kernel picks (`:0`), so that two sessions never race
 * for one, and resolves with the address dlv prints. dlv may print it on stdout or stderr.
 */
export function startDlvDap(options: DlvDapOptions): Promise<DlvDap> {
    if (!isExecutableFile(options.dlvPath)) {
        return Promise.reject(new Error(`dlv was not found at ${options.dlvPath}. Run "scripts/start.sh" (it installs the pinned dlv), or set go.debug.dlvPath.`));
    }
    if (!fs.existsSync(options.cwd)) {
        return Promise.reject(new Error(`The folder ${options.cwd} does not exist: check "cwd" in the launch configuration.`));
    }
    const child = spawn(options.dlvPath, ['dap', '--listen=127.0.0.1:0', ...(options.flags ?? [])], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const detector = new ListeningDetector();
    return new Promise<DlvDap>((resolve, reject) => {
        let settled = false;
        const timer = setTimeout(() => fail(new Error(`dlv did not start listening within ${(options.startTimeoutMs ?? 15_000) / 1000} s. It said: ${detector.output.trim() || 'nothing'}`)), options.startTimeoutMs ?? 15_000);
        const exited = new Promise<void>(r => child.once('exit', () => r()));
        const onData = (stream: DlvStream) => (text: string): void => {
            options.onOutput?.(text, stream);
            if (settled) {
                return;
            }
            const address = detector.push(text, stream);
            if (address) {
                settled = true;
                clearTimeout(timer);
                child.off('exit', onExit);
                resolve({ ...address, process: child, stop: timeoutMs => stopProcess(child, exited, timeoutMs) });
            }
        };
        const onExit = (code: number | null, signal: string | null): void => {
            fail(new Error(`dlv exited before it was ready (${signal ?? `exit code ${code}`}): ${detector.output.trim() || 'no output'}`));
        };
        const fail = (err: Error): void => {
            settled = true;
            clearTimeout(timer);
            child.kill('SIGKILL');
            reject(err);
        };
        // Strings, not Buffers: a UTF-8 character split across two chunks is decoded whole.
        child.stdout!.setEncoding('utf8').on('data', onData('stdout'));
        child.stderr!.setEncoding('utf8').on('data', onData('stderr'));
        child.once('exit', onExit);
        child.once('error', err => fail(new Error(`dlv could not be started: ${err.message}`)));
    });
}

async function stopProcess(child: ChildProcess, exited: Promise<void>, timeoutMs = 3_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
}
