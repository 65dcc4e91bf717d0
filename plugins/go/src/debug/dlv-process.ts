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
    onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
    startTimeoutMs?: number;
}

export interface DlvDap {
    host: string;
    port: number;
    process: ChildProcess;
    /** SIGTERM, then SIGKILL when dlv has not exited after the timeout. */
    stop(timeoutMs?: number): Promise<void>;
}

const LISTENING = /DAP server listening at:\s*(\S+):(\d+)/;

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
    let seen = '';
    return new Promise<DlvDap>((resolve, reject) => {
        const timer = setTimeout(() => fail(new Error(`dlv did not start listening within ${(options.startTimeoutMs ?? 15_000) / 1000} s. It said: ${seen.trim() || 'nothing'}`)), options.startTimeoutMs ?? 15_000);
        const exited = new Promise<void>(r => child.once('exit', () => r()));
        const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer): void => {
            const text = chunk.toString();
            options.onOutput?.(text, stream);
            if (timer) {
                seen += text;
                const m = LISTENING.exec(seen);
                if (m) {
                    clearTimeout(timer);
                    child.off('exit', onExit);
                    resolve({ host: m[1], port: Number(m[2]), process: child, stop: timeoutMs => stopProcess(child, exited, timeoutMs) });
                }
            }
        };
        const onExit = (code: number | null, signal: string | null): void => {
            fail(new Error(`dlv exited before it was ready (${signal ?? `exit code ${code}`}): ${seen.trim() || 'no output'}`));
        };
        const fail = (err: Error): void => {
            clearTimeout(timer);
            child.kill('SIGKILL');
            reject(err);
        };
        child.stdout!.on('data', onData('stdout'));
        child.stderr!.on('data', onData('stderr'));
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
