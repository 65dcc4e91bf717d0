/**
 * Does proxied traffic keep flowing while a workspace with gigabytes of Go caches is deleted? The gateway (Warren's
 * startGateway, in front of the gateway bench's echo backend) and the local provider run in this process and share
 * its event loop, as they do in `warren serve`; the load generator runs here too, so a stalled loop shows as latency.
 *
 * Three cases, in this order, in one run: nothing deleted (the baseline); a workspace removed the old way, with a
 * synchronous fs.rmSync on the event loop; and the same removed by LocalProvider.remove (renamed into the trash, then
 * removed in the background). Each delete case gets a fresh folder of BENCH_DELETE_GB of files shaped like a Go build
 * cache (many files of BENCH_DELETE_FILE_KB each).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { LocalProvider } from '@warren/workspace-manager';
import { EchoBackendInfo } from '../gateway/echo-backend';
import { BENCH_TENANT } from '../gateway/echo-workspace-directory';
import { startBenchGateway } from '../gateway/gateway-process';
import { HttpBlock, HttpLoad } from '../gateway/http-load';
import { ServerProcess } from '../gateway/server-process';
import { signIn } from '../gateway/sign-in';
import { runMain } from '../support/bench-main';
import { Cleanup, gitCommit, logger, machine, positiveInt, publish } from '../support/harness';
import { percentile, round } from '../support/stats';

const log = logger('delete');
/**
 * During a removal, no proxied request may take more than this many ms longer than the slowest of the baseline:
 * a stalled event loop shows as a few very slow requests (the p99 of thousands hides it), so the target is on the maximum.
 */
const TARGET_ADDED_MAX_MS = 50;
const WORKSPACE_ID = 'doomed';

interface Case {
    /** How long the removal took until the folder was gone from disk. */
    removalMs: number | null;
    /** Until the caller got control back (the API's answer waits for this much). */
    callMs: number | null;
    requests: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
}

function describeBlock(block: HttpBlock, removalMs: number | null, callMs: number | null): Case {
    const sorted = [...block.latenciesMs].sort((a, b) => a - b);
    const at = (p: number): number => round(percentile(sorted, p), 2);
    return {
        removalMs: removalMs === null ? null : round(removalMs), callMs: callMs === null ? null : round(callMs, 1), requests: block.requests,
        latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? 0, 1) }
    };
}

/** A workspace folder whose home holds `gb` GB of cache files, as the local provider lays it out. */
function makeWorkspace(provider: LocalProvider, gb: number, fileKb: number): { root: string; files: number } {
    const p = provider.paths({ tenant: BENCH_TENANT, id: WORKSPACE_ID });
    const cache = path.join(p.home, '.cache', 'go-build');
    const chunk = Buffer.alloc(fileKb * 1024, 7);
    const files = Math.ceil((gb * 1024 * 1024) / fileKb);
    fs.mkdirSync(p.files, { recursive: true });
    for (let i = 0; i < files; i++) {
        // Two hex levels of folders, as Go's build cache has.
        const dir = path.join(cache, (i % 256).toString(16).padStart(2, '0'));
        if (i < 256) {
            fs.mkdirSync(dir, { recursive: true });
        }
        fs.writeFileSync(path.join(dir, `${i.toString(16)}-d`), chunk);
    }
    return { root: p.root, files };
}

async function main(): Promise<number> {
    const settings = {
        gb: positiveInt('BENCH_DELETE_GB', 2, 1),
        fileKb: positiveInt('BENCH_DELETE_FILE_KB', 64, 1),
        baselineSeconds: positiveInt('BENCH_BASELINE_SECONDS', 3, 1),
        httpConcurrency: positiveInt('BENCH_HTTP_CONCURRENCY', 10, 1)
    };
    const cleanup = new Cleanup(log);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-delete-'));
    cleanup.add(`Removing ${dataDir}`, () => fs.rmSync(dataDir, { recursive: true, force: true }));
    try {
        const backend = await ServerProcess.start<EchoBackendInfo>('echo backend', path.join(__dirname, '..', 'gateway', 'echo-backend.js'), []);
        cleanup.add('Stopping the echo backend', () => backend.stop());
        const gateway = await startBenchGateway(backend.info.port);
        cleanup.add('Stopping the gateway', () => gateway.stop());
        const { browser, origin } = await signIn(gateway.info);
        const host = new URL(origin).host;
        const load = new HttpLoad('gateway', gateway.info.port, { Host: host, Cookie: browser.cookieHeader(host) ?? '' }, settings.httpConcurrency);
        cleanup.add('Closing the HTTP load', () => load.close());
        const provider = new LocalProvider({ dataDir });
        cleanup.add('Disposing of the provider', () => provider.dispose());

        await load.run(500); // warm-up: connections open, code paths compiled
        log(`baseline: ${settings.baselineSeconds} s of requests with nothing deleted`);
        const baseline = describeBlock(await load.run(settings.baselineSeconds * 1000), null, null);

        const measure = async (name: string, remove: (root: string) => Promise<void>): Promise<Case> => {
            log(`${name}: writing ${settings.gb} GB in files of ${settings.fileKb} KB`);
            const made = makeWorkspace(provider, settings.gb, settings.fileKb);
            log(`${name}: ${made.files} files written; removing them under load`);
            let done = false;
            let removalMs = 0;
            let callMs = 0;
            const traffic = load.runWhile(() => !done);
            await new Promise(resolve => setTimeout(resolve, 200));
            const t0 = performance.now();
            await remove(made.root).then(() => { callMs = performance.now() - t0; });
            // The folder's contents are gone once neither it nor anything in the trash remains.
            while (fs.existsSync(made.root) || fs.readdirSync(path.join(dataDir, 'trash'), { withFileTypes: true }).length > 0) {
                await new Promise(resolve => setTimeout(resolve, 20));
            }
            removalMs = performance.now() - t0;
            await new Promise(resolve => setTimeout(resolve, 200));
            done = true;
            return describeBlock(await traffic, removalMs, callMs);
        };
        fs.mkdirSync(path.join(dataDir, 'trash'), { recursive: true });
        const synchronous = await measure('synchronous rmSync', async root => { fs.rmSync(root, { recursive: true, force: true }); });
        const warren = await measure('LocalProvider.remove', () => provider.remove({ tenant: BENCH_TENANT, id: WORKSPACE_ID }));

        const added = (c: Case): { p99: number; max: number } =>
            ({ p99: round(c.latencyMs.p99 - baseline.latencyMs.p99, 2), max: round(c.latencyMs.max - baseline.latencyMs.max, 1) });
        const report = {
            bench: 'delete',
            date: new Date().toISOString(),
            settings,
            baseline,
            synchronous: { ...synchronous, addedMs: added(synchronous) },
            warren: { ...warren, addedMs: added(warren) },
            targets: {
                trafficFlowsDuringDelete: added(warren).max <= TARGET_ADDED_MAX_MS,
                note: `trafficFlowsDuringDelete: with Warren's removal, no proxied request takes more than ${TARGET_ADDED_MAX_MS} ms longer than the `
                    + 'slowest of the baseline measured in the same run (synchronous shows what the old, blocking removal did).'
            },
            machine: machine(),
            commit: gitCommit()
        };
        publish('delete', report.date, report, log);
        return 0;
    } finally {
        await cleanup.runAll();
    }
}

runMain(log, main);
