import { DapMessage } from './dap-codec';
import { DapProxy, Direction } from './dap-proxy';
import { DlvDap, startDlvDap } from './dlv-process';
import { dlvRequestArguments, GoDebugConfiguration } from './launch-config';
import { mendRequest, mendResponse } from './request-fixes';

export interface GoDebugSessionOptions {
    configuration: GoDebugConfiguration;
    dlvPath: string;
    /** dlv's own environment (the program's comes from the configuration's env and envFile). */
    env: NodeJS.ProcessEnv;
    /** Extra flags for `dlv dap`. */
    dlvFlags?: string[];
    /** Messages for the IDE. */
    toIde: (message: DapMessage) => void;
    trace?: (direction: Direction, message: DapMessage) => void;
}

/**
 * One debug session: a `dlv dap` of its own (or a dlv already listening at host:port), the proxy
 * between it and the IDE, and the clean-up. The session always ends with a terminated event, even
 * when dlv dies, so that the IDE never waits on a dead debugger.
 */
export class GoDebugSession {
    protected ended = false;

    protected constructor(protected readonly proxy: DapProxy, protected readonly dlv: DlvDap | undefined,
        protected readonly options: GoDebugSessionOptions) {
        proxy.onClose(() => this.end());
    }

    static async start(given: GoDebugSessionOptions): Promise<GoDebugSession> {
        // dlv's answers with their reasons where the IDE shows them (request-fixes.ts)
        const options = { ...given, toIde: (message: DapMessage) => mendResponse(message).forEach(m => given.toIde(m)) };
        const c = options.configuration;
        const remote = (c.request === 'attach' && c.mode === 'remote') || c.port !== undefined;
        if (remote) {
            const proxy = await DapProxy.connect(c.host ?? '127.0.0.1', Number(c.port), options.toIde, options.trace);
            return new GoDebugSession(proxy, undefined, options);
        }
        let proxy: DapProxy | undefined;
        const early: Array<[string, 'stdout' | 'stderr']> = [];
        const dlv = await startDlvDap({
            dlvPath: options.dlvPath,
            cwd: dlvRequestArguments(c).dlvCwd,
            env: options.env,
            flags: options.dlvFlags,
            // What dlv's process writes after it listens is the program's output when dlv does not send it as
            // output events (older dlv, or a program that writes to the inherited descriptors): show it.
            onOutput: (text, stream) => {
                if (proxy) {
                    proxy.output(text, stream);
                } else {
                    early.push([text, stream]);
                }
            }
        });
        try {
            proxy = await DapProxy.connect(dlv.host, dlv.port, options.toIde, options.trace);
        } catch (err) {
            await dlv.stop();
            throw err;
        }
        // Keep anything after the "listening" line that arrived before the connection.
        early.map(([text, stream]) => [text.replace(/^.*DAP server listening at:.*\n?/m, ''), stream] as const)
            .filter(([text]) => text.trim()).forEach(([text, stream]) => proxy!.output(text, stream));
        const session = new GoDebugSession(proxy, dlv, options);
        dlv.process.once('exit', () => session.end());
        return session;
    }

    /** A message from the IDE; launch and attach get dlv's arguments (envFile merged, defaults filled in). */
    send(message: DapMessage): void {
        if (message.type === 'request' && (message.command === 'launch' || message.command === 'attach')) {
            message = { ...message, arguments: dlvRequestArguments({ ...this.options.configuration, ...message.arguments }).args };
        }
        this.proxy.send(mendRequest(message));
    }

    async dispose(): Promise<void> {
        this.proxy.dispose();
        await this.dlv?.stop();
    }

    protected end(): void {
        if (this.ended) {
            return;
        }
        this.ended = true;
        this.options.toIde({ seq: 0, type: 'event', event: 'terminated', body: {} });
        void this.dlv?.stop();
    }
}
