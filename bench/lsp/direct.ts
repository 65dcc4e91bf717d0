/** (a) The requests sent straight to gopls over its stdio, by a minimal LSP client, gopls started as the IDE starts it. */
import { execFileSync } from 'child_process';
import { performance } from 'perf_hooks';
import { goplsLaunch } from 'warren-go/lib/gopls/gopls-launch';
import { memoryLimitForThisMachine } from 'warren-go/lib/gopls/memory-limit';
import { Cleanup, Log, sleep, withTimeout } from '../support/harness';
import { MAIN_FILE, ModuleInfo } from './generate-module';
import { checkAnswer, Kind, lspRequest } from './requests';
import { Driver, sampleRounds, Sampled, SamplingOptions } from './sampling';
import { makeSandbox } from './sandbox';
import { LspClient } from '@warren/testing';

const START_TIMEOUT_MS = 30_000;
const RETRY_MS = 250;

export interface DirectResult extends Sampled {
    gopls: string;
    /** didOpen of main.go → the first hover that answered with the documentation (gopls has loaded the packages). */
    loadMs: number;
}

/** The goplsLaunch of plugins/go with the settings' defaults: the pinned gopls, no flags, the machine's memory limit. */
function launchGopls(env: NodeJS.ProcessEnv): ReturnType<typeof goplsLaunch> {
    return goplsLaunch({ path: '', flags: [], toolsEnvVars: {} }, memoryLimitForThisMachine('auto'), env);
}

function goplsVersion(command: string): string {
    try {
        return /gopls\s+(v\S+)/.exec(execFileSync(command, ['version'], { encoding: 'utf8', timeout: 10_000 }))?.[1] ?? 'unknown';
    } catch {
        return 'unknown';
    }
}

/**
 * Times one request and checks the answer. The interval: performance.now() just before connection.sendRequest (which
 * serializes the request and writes it to gopls's stdin) to the resolution of its promise (the response read from
 * gopls's stdout and parsed by vscode-jsonrpc). The check of the answer comes after and is not timed.
 */
async function timedRequest(client: LspClient, medium: ModuleInfo, kind: Kind, timeoutMs: number): Promise<number> {
    const uri = client.uri(MAIN_FILE);
    const { method, params } = lspRequest(kind, medium.targets, uri);
    const start = performance.now();
    const result = await withTimeout(client.connection.sendRequest(method, params), timeoutMs, `${method}`);
    const ms = performance.now() - start;
    const problem = checkAnswer(kind, result, medium.targets, uri);
    if (problem) {
        throw new Error(problem);
    }
    return ms;
}

/** Hovers until gopls answers with the documentation: it has loaded the module. Returns how long that took. */
async function waitUntilLoaded(client: LspClient, medium: ModuleInfo, timeoutMs: number, log: Log): Promise<number> {
    const start = performance.now();
    const deadline = start + timeoutMs;
    for (;;) {
        try {
            await timedRequest(client, medium, 'hover', Math.max(1, deadline - performance.now()));
            return performance.now() - start;
        } catch (err) {
            if (performance.now() > deadline) {
                throw new Error(`gopls did not answer the hover within ${timeoutMs / 1000} s: ${(err as Error).message}`);
            }
            log(`direct: not loaded yet (${(err as Error).message.slice(0, 100)})`);
            await sleep(RETRY_MS);
        }
    }
}

export async function measureDirect(medium: ModuleInfo, options: SamplingOptions & { loadTimeoutMs: number }, log: Log): Promise<DirectResult> {
    const cleanup = new Cleanup(log);
    try {
        const sandbox = makeSandbox(medium.dir, 'direct', cleanup);
        const launch = launchGopls(sandbox.env);
        const client = await withTimeout(LspClient.start(launch.command, launch.args, launch.env, sandbox.workspace), START_TIMEOUT_MS, 'Starting gopls');
        cleanup.add('Stopping gopls', () => client.stop());
        // Nothing reads gopls's stderr; drained, its log can never fill the pipe and block gopls.
        client.process.stderr?.resume();
        log(`direct: ${launch.notes.join('; ')}`);
        await client.open(MAIN_FILE);
        const loadMs = await waitUntilLoaded(client, medium, options.loadTimeoutMs, log);
        log(`direct: gopls loaded the module in ${Math.round(loadMs)} ms`);
        const driver: Driver = {
            prepare: async () => undefined,
            measure: (kind, timeoutMs) => timedRequest(client, medium, kind, timeoutMs),
            recover: async () => undefined
        };
        const sampled = await sampleRounds('direct', driver, options, log);
        return { ...sampled, gopls: goplsVersion(launch.command), loadMs: Math.round(loadMs) };
    } finally {
        await cleanup.runAll();
    }
}
