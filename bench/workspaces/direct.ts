/**
 * The floor: Warren's IDE started with startIde directly, as the local provider starts it (same environment, same
 * log file instead of pipes), on its own copy of examples/hello, timed from the call to a GET answering 200.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { freePort, startIde } from '@warren/ide-launcher';
import { DEFAULT_CLASSES, memoryBytes } from '@warren/workspace-manager';
import { Cleanup, Log, mb, REPO, sleep } from '../support/harness';
import { treeRss } from '../startup/process-memory';
import { waitHttp200 } from './processes';

export const START_TIMEOUT_MS = 60_000;
export const IDLE_MS = 3_000;
const MiB = 1024 * 1024;

export interface DirectRun {
    /** startIde called → GET of its url answered 200. */
    startMs: number;
    /** startIde's own spawn → "listening on" in the log (information). */
    listenMs: number;
    /** VmRSS of the IDE's process tree after IDLE_MS idle, in bytes. */
    idleRssBytes: number;
}

/** The environment the local provider gives a workspace of class "small" (its HOME, Go caches and memory limits). */
export function providerLikeEnv(home: string): NodeJS.ProcessEnv {
    const small = DEFAULT_CLASSES.find(c => c.name === 'small')!;
    const memory = memoryBytes(small.memory)!;
    return {
        ...process.env,
        HOME: home,
        GOPATH: path.join(home, 'go'),
        GOMODCACHE: path.join(home, 'go', 'pkg', 'mod'),
        GOCACHE: path.join(home, '.cache', 'go-build'),
        GOMEMLIMIT: `${Math.floor(memory / 2 / MiB)}MiB`,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${Math.min(2048, Math.floor(memory / 4 / MiB))}`.trim()
    };
}

/** One direct start: copy the template (not timed), start, wait for 200, idle, sample memory, stop; all removed after. */
export async function directRun(log: Log): Promise<DirectRun> {
    const cleanup = new Cleanup(log);
    try {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-direct-'));
        cleanup.add(`Removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
        const files = path.join(dir, 'files');
        const home = path.join(dir, 'home');
        fs.cpSync(path.join(REPO, 'examples', 'hello'), files, { recursive: true });
        fs.mkdirSync(home);
        const logFile = path.join(dir, 'logs', 'ide.log');
        const port = await freePort();
        const t0 = performance.now();
        const ide = await startIde({
            workspace: files, configDir: path.join(dir, 'ide-config'), port, env: providerLikeEnv(home), logFile, startTimeoutMs: START_TIMEOUT_MS
        });
        cleanup.add('Stopping the direct IDE', () => ide.stop());
        const answered = await waitHttp200(ide.url, START_TIMEOUT_MS);
        await sleep(IDLE_MS);
        const rss = treeRss(ide.process.pid!);
        const run = { startMs: Math.round(answered - t0), listenMs: ide.startupMs, idleRssBytes: rss.treeBytes };
        log(`direct: 200 after ${run.startMs} ms (listening after ${run.listenMs} ms), idle RSS ${mb(run.idleRssBytes)} MB`);
        return run;
    } finally {
        await cleanup.runAll();
    }
}
