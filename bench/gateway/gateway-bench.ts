/**
 * Gateway benchmark: what Warren's gateway adds to a WebSocket message's round trip, with 1 and with many
 * connections at once, and what it does to HTTP requests per second, against the same backend reached directly.
 * Prints one JSON object on stdout (progress goes to stderr) and writes it to bench/results/. See bench/README.md.
 * Run through bench/gateway/run.sh, which compiles this file first.
 *
 * Four processes, as in production: this one is the client (the browsers); the workspace's backend, an echo server
 * standing in for the IDE (see echo-backend.ts); the gateway in front of it; and a bare TCP relay in front of it too,
 * the reference for what any hop costs (see tcp-relay.ts). The three paths to the backend are measured in blocks
 * that take turns (direct, gateway, relay, then relay, gateway, direct, ...) after a warm-up of each, so that a slow
 * phase of the machine hits them alike.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Cleanup, gitCommit, logger, machine, positiveInt, publish } from '../support/harness';
import { runMain } from '../support/bench-main';
import { percentile, round } from '../support/stats';
import { EchoBackendInfo, PAGE_BYTES } from './echo-backend';
import { connectThroughGateway, connectTo, EchoConnection, MESSAGE_BYTES } from './echo-connection';
import type { GatewayInfo } from './gateway-process';
import { HttpBlock, HttpLoad } from './http-load';
import { signIn } from './sign-in';
import { ServerProcess } from './server-process';
import type { RelayInfo } from './tcp-relay';
import { BrowserLike } from '@warren/testing';

const log = logger('gateway');
/** The target: the gateway adds at most this much to a message's round trip at p99. */
const TARGET_ADDED_P99_MS = 1;
const WARMUP_ROUND_TRIPS = 1_000;
const WARMUP_HTTP_MS = 1_000;

const PATHS = ['direct', 'gateway', 'relay'] as const;
type PathName = typeof PATHS[number];
type PerPath<T> = Record<PathName, T>;

function perPath<T>(make: (p: PathName) => T): PerPath<T> {
    return { direct: make('direct'), gateway: make('gateway'), relay: make('relay') };
}

interface Settings {
    /** Round trips per path with one connection. */
    roundTrips: number;
    connections: number;
    /** Round trips per path with `connections` connections, all of them together. */
    concurrentRoundTrips: number;
    /** Measured blocks per path, for each WebSocket case and for HTTP. */
    blocks: number;
    httpConcurrency: number;
    httpBlockSeconds: number;
}

interface Servers {
    backend: ServerProcess<EchoBackendInfo>;
    gateway: ServerProcess<GatewayInfo>;
    relay: ServerProcess<RelayInfo>;
}

const PROCESSES = ['client', 'gateway', 'relay', 'backend'] as const;
type ProcessName = typeof PROCESSES[number];

/** CPU time in µs of each process, and the connections the backend accepted, at one moment or over blocks. */
interface Counters {
    cpuMicros: Record<ProcessName, number>;
    backendConnections: number;
}

function emptyCounters(): Counters {
    return { cpuMicros: { client: 0, gateway: 0, relay: 0, backend: 0 }, backendConnections: 0 };
}

/** Between blocks only: the questions go over IPC to the servers, which answer them on their event loops. */
async function readCounters(servers: Servers): Promise<Counters> {
    const usage = process.cpuUsage();
    const gateway = await servers.gateway.counters();
    const relay = await servers.relay.counters();
    const backend = await servers.backend.counters();
    return {
        cpuMicros: { client: usage.user + usage.system, gateway: gateway.cpuMicros, relay: relay.cpuMicros, backend: backend.cpuMicros },
        backendConnections: backend.connections ?? 0
    };
}

/** CPU µs of each process per unit of work (round trip or request); a process off the path shows about 0. */
function cpuPer(used: Counters, units: number): Record<ProcessName, number> {
    return { client: round(used.cpuMicros.client / units, 1), gateway: round(used.cpuMicros.gateway / units, 1),
        relay: round(used.cpuMicros.relay / units, 1), backend: round(used.cpuMicros.backend / units, 1) };
}

/**
 * `blocks` blocks of each path, taking turns (direct, gateway, relay, then the other way round, ...); each block is
 * measured between two readings of the processes' counters, whose difference goes to that path's.
 */
async function takeTurns(servers: Servers, blocks: number, used: PerPath<Counters>, run: (p: PathName) => Promise<void>): Promise<void> {
    for (let i = 0; i < blocks; i++) {
        for (const p of i % 2 === 0 ? PATHS : [...PATHS].reverse()) {
            const before = await readCounters(servers);
            await run(p);
            const after = await readCounters(servers);
            for (const name of PROCESSES) {
                used[p].cpuMicros[name] += after.cpuMicros[name] - before.cpuMicros[name];
            }
            used[p].backendConnections += after.backendConnections - before.backendConnections;
        }
    }
}

/** p50 ... max in ms with µs resolution; no samples (there are thousands). */
interface LatencySummary {
    samples: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    mean: number;
    /** The tail against the middle: p99 / p50. */
    p99OverP50: number;
}

function ms(value: number): number {
    return round(value, 3);
}

function sorted(samples: number[]): number[] {
    return [...samples].sort((a, b) => a - b);
}

function summarizeLatency(samples: number[]): LatencySummary {
    const s = sorted(samples);
    const p50 = percentile(s, 0.5);
    const p99 = percentile(s, 0.99);
    return {
        samples: s.length, p50: ms(p50), p90: ms(percentile(s, 0.9)), p99: ms(p99), max: ms(s[s.length - 1]),
        mean: ms(s.reduce((sum, x) => sum + x, 0) / s.length), p99OverP50: round(p99 / p50, 2)
    };
}

interface WebSocketPath {
    roundTripMs: LatencySummary & { blocks: { p50: number[]; p99: number[] } };
    roundTripsPerSecond: number;
    cpuMicrosPerRoundTrip: Record<ProcessName, number>;
}

/** a − b, in ms (a difference of percentiles), and a / b. */
interface Comparison {
    addedMs: { p50: number; p99: number };
    ratio: { p50: number; p99: number };
}

function compare(a: WebSocketPath, b: WebSocketPath): Comparison {
    return {
        addedMs: { p50: ms(a.roundTripMs.p50 - b.roundTripMs.p50), p99: ms(a.roundTripMs.p99 - b.roundTripMs.p99) },
        ratio: { p50: round(a.roundTripMs.p50 / b.roundTripMs.p50, 2), p99: round(a.roundTripMs.p99 / b.roundTripMs.p99, 2) }
    };
}

interface WebSocketCase {
    connections: number;
    direct: WebSocketPath;
    gateway: WebSocketPath;
    relay: WebSocketPath;
    /**
     * What the gateway adds. `p99MedianOfBlocks`: the median over the blocks of (the gateway block's p99 − the direct
     * block's p99 of the same turn), less swayed by one noisy block than the difference of the overall p99s.
     */
    gatewayVsDirect: Comparison & { p99MedianOfBlocks: number };
    /** What the gateway adds to a bare hop: its own work. */
    gatewayVsRelay: Comparison;
}

/** Every connection does perConnection round trips, all at once; the samples of all of them go to into. */
async function echoBlock(connections: EchoConnection[], perConnection: number, into: number[]): Promise<void> {
    await Promise.all(connections.map(c => c.roundTrips(perConnection, into)));
}

/** Opens count connections of each path into open (which the caller closes, also when one fails to open). */
async function openConnections(servers: Servers, browser: BrowserLike, origin: string, count: number, open: PerPath<EchoConnection[]>): Promise<void> {
    for (let i = 0; i < count; i++) {
        open.direct.push(await connectTo(`direct-${i}`, servers.backend.info.port, origin));
        open.gateway.push(await connectThroughGateway(`gateway-${i}`, browser, origin));
        open.relay.push(await connectTo(`relay-${i}`, servers.relay.info.port, origin));
    }
}

async function measureWebSocket(servers: Servers, browser: BrowserLike, origin: string, connections: number, total: number, blocks: number): Promise<WebSocketCase> {
    const perConnection = Math.max(1, Math.ceil(total / blocks / connections));
    const open = perPath<EchoConnection[]>(() => []);
    try {
        await openConnections(servers, browser, origin, connections, open);
        log(`websocket, ${connections} connection(s): warm-up`);
        for (const p of PATHS) {
            await echoBlock(open[p], Math.max(1, Math.ceil(WARMUP_ROUND_TRIPS / connections)), []);
        }
        const samples = perPath<number[][]>(() => []);
        const elapsedMs = perPath(() => 0);
        const used = perPath(emptyCounters);
        await takeTurns(servers, blocks, used, async p => {
            const block: number[] = [];
            const start = performance.now();
            await echoBlock(open[p], perConnection, block);
            elapsedMs[p] += performance.now() - start;
            samples[p].push(sorted(block));
        });
        const result = perPath<WebSocketPath>(p => {
            const all = samples[p].flat();
            return {
                roundTripMs: {
                    ...summarizeLatency(all),
                    blocks: { p50: samples[p].map(b => ms(percentile(b, 0.5))), p99: samples[p].map(b => ms(percentile(b, 0.99))) }
                },
                roundTripsPerSecond: Math.round(all.length / (elapsedMs[p] / 1000)),
                cpuMicrosPerRoundTrip: cpuPer(used[p], all.length)
            };
        });
        const blockAdded = sorted(result.gateway.roundTripMs.blocks.p99.map((g, i) => g - result.direct.roundTripMs.blocks.p99[i]));
        const c: WebSocketCase = {
            connections,
            ...result,
            gatewayVsDirect: { ...compare(result.gateway, result.direct), p99MedianOfBlocks: ms(percentile(blockAdded, 0.5)) },
            gatewayVsRelay: compare(result.gateway, result.relay)
        };
        log(`websocket, ${connections} connection(s): p50 ${result.direct.roundTripMs.p50} ms direct, ${result.gateway.roundTripMs.p50} gateway, `
            + `${result.relay.roundTripMs.p50} relay; p99 ${result.direct.roundTripMs.p99}, ${result.gateway.roundTripMs.p99}, ${result.relay.roundTripMs.p99}; `
            + `the gateway adds ${c.gatewayVsDirect.addedMs.p99} ms at p99 and uses ${result.gateway.cpuMicrosPerRoundTrip.gateway} µs CPU `
            + `per round trip (the relay ${result.relay.cpuMicrosPerRoundTrip.relay})`);
        return c;
    } finally {
        PATHS.forEach(p => open[p].forEach(c => c.close()));
    }
}

interface HttpPath {
    /** All requests over all blocks' time. */
    requestsPerSecond: number;
    blocksRequestsPerSecond: number[];
    latencyMs: LatencySummary;
    /** Connections the client opened per request: 0 when keep-alive holds, 1 when every answer closes it. */
    clientConnectionsPerRequest: number;
    /** Connections the backend accepted per request. */
    backendConnectionsPerRequest: number;
    cpuMicrosPerRequest: Record<ProcessName, number>;
}

async function measureHttp(servers: Servers, browser: BrowserLike, origin: string, settings: Settings): Promise<PerPath<HttpPath> & { ratio: { gateway: number; relay: number } }> {
    const host = new URL(origin).host;
    const direct = servers.backend.info.port;
    const relay = servers.relay.info.port;
    const loads: PerPath<HttpLoad> = {
        direct: new HttpLoad('direct', direct, { Host: `127.0.0.1:${direct}` }, settings.httpConcurrency),
        gateway: new HttpLoad('gateway', servers.gateway.info.port, { Host: host, Cookie: browser.cookieHeader(host) ?? '' }, settings.httpConcurrency),
        relay: new HttpLoad('relay', relay, { Host: `127.0.0.1:${relay}` }, settings.httpConcurrency)
    };
    try {
        log(`http, ${settings.httpConcurrency} requests at a time: warm-up`);
        for (const p of PATHS) {
            await loads[p].run(WARMUP_HTTP_MS);
        }
        const blocks = perPath<HttpBlock[]>(() => []);
        const used = perPath(emptyCounters);
        await takeTurns(servers, settings.blocks, used, async p => {
            blocks[p].push(await loads[p].run(settings.httpBlockSeconds * 1000));
        });
        const result = perPath<HttpPath>(p => {
            const requests = blocks[p].reduce((sum, b) => sum + b.requests, 0);
            return {
                requestsPerSecond: Math.round(requests / (blocks[p].reduce((sum, b) => sum + b.elapsedMs, 0) / 1000)),
                blocksRequestsPerSecond: blocks[p].map(b => Math.round(b.requests / (b.elapsedMs / 1000))),
                latencyMs: summarizeLatency(blocks[p].flatMap(b => b.latenciesMs)),
                clientConnectionsPerRequest: round(blocks[p].reduce((sum, b) => sum + b.newConnections, 0) / requests, 3),
                backendConnectionsPerRequest: round(used[p].backendConnections / requests, 3),
                cpuMicrosPerRequest: cpuPer(used[p], requests)
            };
        });
        log(`http: ${result.direct.requestsPerSecond} requests/s direct, ${result.gateway.requestsPerSecond} gateway, ${result.relay.requestsPerSecond} relay`);
        return {
            ...result,
            ratio: {
                gateway: round(result.gateway.requestsPerSecond / result.direct.requestsPerSecond, 3),
                relay: round(result.relay.requestsPerSecond / result.direct.requestsPerSecond, 3)
            }
        };
    } finally {
        PATHS.forEach(p => loads[p].close());
    }
}

async function startServers(cleanup: Cleanup): Promise<Servers> {
    const script = (name: string): string => path.join(__dirname, `${name}.js`);
    const backend = await ServerProcess.start<EchoBackendInfo>('echo backend', script('echo-backend'), []);
    cleanup.add('Stopping the echo backend', () => backend.stop());
    const gateway = await ServerProcess.start<GatewayInfo>('gateway', script('gateway-process'), [String(backend.info.port)]);
    cleanup.add(`Removing ${gateway.info.dataDir}`, () => fs.rmSync(gateway.info.dataDir, { recursive: true, force: true }));
    cleanup.add('Stopping the gateway', () => gateway.stop());
    const relay = await ServerProcess.start<RelayInfo>('relay', script('tcp-relay'), [String(backend.info.port)]);
    cleanup.add('Stopping the relay', () => relay.stop());
    return { backend, gateway, relay };
}

function loadAverage(): number[] {
    return os.loadavg().map(x => round(x, 2));
}

async function main(): Promise<number> {
    const settings: Settings = {
        roundTrips: positiveInt('BENCH_ROUND_TRIPS', 10_000, 1),
        connections: positiveInt('BENCH_CONNECTIONS', 50, 2),
        concurrentRoundTrips: positiveInt('BENCH_CONCURRENT_ROUND_TRIPS', 25_000, 1),
        blocks: positiveInt('BENCH_BLOCKS', 10, 1),
        httpConcurrency: positiveInt('BENCH_HTTP_CONCURRENCY', 20, 1),
        httpBlockSeconds: positiveInt('BENCH_HTTP_SECONDS', 2, 1)
    };
    const loadAtStart = loadAverage();
    const info = machine();
    log(`on ${info.cpus} CPUs, load average ${loadAtStart.join(' ')}`);
    const cleanup = new Cleanup(log);
    try {
        const servers = await startServers(cleanup);
        const { browser, origin } = await signIn(servers.gateway.info);
        log(`signed in; the workspace's origin is ${origin}`);
        const websocket = [
            await measureWebSocket(servers, browser, origin, 1, settings.roundTrips, settings.blocks),
            await measureWebSocket(servers, browser, origin, settings.connections, settings.concurrentRoundTrips, settings.blocks)
        ];
        const http = await measureHttp(servers, browser, origin, settings);
        const report = {
            bench: 'gateway',
            date: new Date().toISOString(),
            settings: { ...settings, messageBytes: MESSAGE_BYTES, pageBytes: PAGE_BYTES, warmupRoundTrips: WARMUP_ROUND_TRIPS, warmupHttpMs: WARMUP_HTTP_MS },
            websocket,
            http,
            targets: {
                gatewayAddsAtMostOneMsAtP99: Object.fromEntries(websocket.map(c => [String(c.connections), c.gatewayVsDirect.addedMs.p99 <= TARGET_ADDED_P99_MS])),
                note: 'gatewayAddsAtMostOneMsAtP99, per number of connections: websocket[].gatewayVsDirect.addedMs.p99 (the gateway\'s p99 '
                    + `round trip minus the direct one) is at most ${TARGET_ADDED_P99_MS} ms. The backend is an echo server standing in for the IDE; `
                    + 'both paths end at it, so the difference is the gateway\'s cost.'
            },
            machine: { ...info, loadAverage: { start: loadAtStart, end: loadAverage() } },
            commit: gitCommit()
        };
        publish('gateway', report.date, report, log);
        return 0;
    } finally {
        await cleanup.runAll();
    }
}

runMain(log, main);
