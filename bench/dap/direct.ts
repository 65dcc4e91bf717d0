/**
 * (a) A DAP client straight to dlv: `dlv dap` started as the Go plugin starts it (the plugin's own startDlvDap: the
 * same binary, flags, folder and environment), then DAP over its TCP socket (dap-socket.ts) in the IDE's order, without
 * the plugin's proxy or anything of the IDE.
 */
import { execFileSync } from 'child_process';
import { performance } from 'perf_hooks';
import { toolPath } from '@warren/go-toolchain';
import { DlvDap, startDlvDap } from 'warren-go/lib/debug/dlv-process';
import { dlvRequestArguments, GoDebugConfiguration } from 'warren-go/lib/debug/launch-config';
import { Cleanup, Log, sleep, withTimeout } from '../support/harness';
import { DapSocket, Received, succeeded } from './dap-socket';
import { debugProcessesUnder } from './processes';
import { LAUNCH_NAME, ProgramInfo } from './program';
import { Driver, sampleSessions, Sampled, SamplingOptions, Timed } from './sampling';
import { Sandbox } from './sandbox';

const REQUEST_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

export interface DirectResult extends Sampled {
    dlv: string;
}

/** What Theia sends in its initialize request, less the client's name and locale. */
const INITIALIZE = {
    adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsVariableType: true,
    supportsVariablePaging: true, supportsRunInTerminalRequest: true, supportsMemoryReferences: true,
    supportsProgressReporting: true, supportsInvalidatedEvent: true
};

function dlvVersion(dlv: string): string {
    try {
        return /Version:\s*(\S+)/.exec(execFileSync(dlv, ['version'], { encoding: 'utf8', timeout: 10_000 }))?.[1] ?? 'unknown';
    } catch {
        return 'unknown';
    }
}

interface Session {
    dlv: DlvDap;
    dap?: DapSocket;
    threadId?: number;
}

class DirectDriver implements Driver {
    private session: Session | undefined;
    /** The launch.json entry the IDE starts with F5, made into dlv's launch arguments as the plugin does. */
    private readonly launchArgs: Record<string, unknown>;

    constructor(private readonly dlvPath: string, private readonly program: ProgramInfo, private readonly env: NodeJS.ProcessEnv) {
        const configuration: GoDebugConfiguration = { type: 'go', request: 'launch', name: LAUNCH_NAME, mode: 'debug', program: program.dir };
        this.launchArgs = dlvRequestArguments(configuration).args;
    }

    /**
     * From spawning `dlv dap` to the arrival of the `stopped` event at the breakpoint: dlv starts and listens, the
     * client connects, initialize, launch (dlv builds the program and starts it), the `initialized` event,
     * setBreakpoints, configurationDone, the launch response, and the program runs to the breakpoint.
     */
    async start(timeoutMs: number): Promise<Timed> {
        const started = performance.now();
        const deadline = started + timeoutMs;
        const left = (): number => Math.max(1, deadline - performance.now());
        const dlv = await startDlvDap({ dlvPath: this.dlvPath, cwd: this.program.dir, env: this.env, startTimeoutMs: timeoutMs });
        const session: Session = this.session = { dlv };
        const dap = session.dap = await DapSocket.connect(dlv.host, dlv.port, left());
        await dap.ok('initialize', INITIALIZE, left());
        const launch = dap.request('launch', this.launchArgs, left());
        await dap.event('initialized', 0, left());
        const set = await dap.ok('setBreakpoints', { source: { path: this.program.file }, breakpoints: [{ line: this.program.breakpointLine }] }, left());
        if (!set.message.body?.breakpoints?.[0]?.verified) {
            throw new Error(`dlv did not verify the breakpoint: ${JSON.stringify(set.message.body)}`);
        }
        await dap.ok('configurationDone', {}, left());
        succeeded(await launch.response);
        const stopped = await dap.event('stopped', 0, left(), m => m.body?.reason === 'breakpoint');
        const top = await this.topFrame(dap, stopped, this.program.breakpointLine);
        return { ms: stopped.at - started, topFrameMs: top - started };
    }

    /** From writing `next` to the arrival of the `stopped` event (reason step). */
    async step(_from: number, to: number, timeoutMs: number): Promise<Timed> {
        const { dap, threadId } = this.session ?? {};
        if (!dap || threadId === undefined) {
            throw new Error('no session is stopped');
        }
        const after = dap.events.length;
        const next = dap.request('next', { threadId }, timeoutMs);
        succeeded(await next.response);
        const stopped = await dap.event('stopped', after, timeoutMs, m => m.body?.reason === 'step');
        const top = await this.topFrame(dap, stopped, to);
        return { ms: stopped.at - next.sent, topFrameMs: top - next.sent };
    }

    /**
     * What the IDE asks right after a `stopped` event before it can show where: the threads and the stack of the
     * stopped thread. Checks the top frame's line; returns when the stack trace arrived (information, not the sample).
     */
    private async topFrame(dap: DapSocket, stopped: Received, line: number): Promise<number> {
        const threadId = Number(stopped.message.body?.threadId);
        this.session!.threadId = threadId;
        await dap.ok('threads', {}, REQUEST_TIMEOUT_MS);
        const stack = await dap.ok('stackTrace', { threadId, startFrame: 0, levels: 20 }, REQUEST_TIMEOUT_MS);
        const top = stack.message.body?.stackFrames?.[0];
        if (top?.line !== line || !String(top?.source?.path ?? '').endsWith(this.program.file)) {
            throw new Error(`stopped at ${top?.source?.path}:${top?.line}, not at line ${line} of ${this.program.file}`);
        }
        return stack.at;
    }

    /** disconnect with terminateDebuggee (what the IDE's Stop sends for a launch), then dlv's exit, then no debug process. */
    async stop(): Promise<void> {
        const session = this.session;
        this.session = undefined;
        if (!session) {
            return;
        }
        if (session.dap) {
            await session.dap.request('disconnect', { terminateDebuggee: true }, REQUEST_TIMEOUT_MS).response.catch(() => undefined);
            session.dap.close();
        }
        await session.dlv.stop();
        await withTimeout((async () => {
            while (debugProcessesUnder(process.pid).length > 0) {
                await sleep(POLL_MS);
            }
        })(), STOP_TIMEOUT_MS, `Waiting for dlv and the program to exit (${debugProcessesUnder(process.pid).join(', ')})`);
    }
}

export async function measureDirect(sandbox: Sandbox, options: SamplingOptions, log: Log): Promise<DirectResult> {
    const cleanup = new Cleanup(log);
    const dlvPath = toolPath('dlv', sandbox.env).path;
    const driver = new DirectDriver(dlvPath, sandbox.program, sandbox.env);
    cleanup.add('Stopping dlv', () => driver.stop());
    try {
        const sampled = await sampleSessions('direct', driver, sandbox.program, options, log);
        return { ...sampled, dlv: dlvVersion(dlvPath) };
    } finally {
        await cleanup.runAll();
    }
}
