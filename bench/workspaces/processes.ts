/** The IDE processes a run left behind, found through /proc, so that a failed or interrupted run leaves none. */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { stopProcessGroup } from '@warren/ide-launcher';
import { sleep } from '../support/harness';

const HTTP_ATTEMPT_MS = 2_000;
const HTTP_POLL_MS = 50;

/**
 * The process groups of every process whose command line names a path inside dir (an IDE backend gets its
 * workspace folder as an argument; each backend leads a group of its own, with its plugin hosts and watchers).
 */
export function processGroupsUnder(dir: string): number[] {
    const groups = new Set<number>();
    for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
            continue;
        }
        try {
            if (!fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some(arg => arg.startsWith(dir))) {
                continue;
            }
            const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
            // "pid (comm) state ppid pgrp ...": the name may hold spaces, so split after the last ')'.
            const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
            if (pgrp > 1 && pgrp !== process.pid) {
                groups.add(pgrp);
            }
        } catch {
            // exited meanwhile
        }
    }
    return [...groups];
}

/** Stops every process group found under dir (SIGTERM, then SIGKILL); returns how many there were. */
export async function stopProcessesUnder(dir: string): Promise<number> {
    const groups = processGroupsUnder(dir);
    await Promise.all(groups.map(g => stopProcessGroup(g, 5_000)));
    return groups.length;
}

/**
 * Resolves with performance.now() when a GET of url answers 200 (each attempt bounded, the body discarded),
 * trying every 50 ms; rejects after timeoutMs with the last answer or error.
 */
export async function waitHttp200(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let last = 'no attempt';
    for (;;) {
        try {
            const res = await fetch(url, { headers, signal: AbortSignal.timeout(HTTP_ATTEMPT_MS) });
            await res.body?.cancel();
            if (res.status === 200) {
                return performance.now();
            }
            last = `HTTP ${res.status}`;
        } catch (err) {
            last = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
        }
        if (performance.now() > deadline) {
            throw new Error(`GET ${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
        }
        await sleep(HTTP_POLL_MS);
    }
}
