import { DapMessage } from 'warren-go/lib/debug/dap-codec';
import { GoDebugSession, GoDebugSessionOptions } from 'warren-go/lib/debug/go-debug-session';

/** A small DAP client on the plugin's debug session, as the IDE would drive it. */
export class DapClient {
    protected seq = 1;
    readonly events: DapMessage[] = [];
    protected readonly pending = new Map<number, (response: DapMessage) => void>();
    protected readonly waiters: Array<() => void> = [];
    session!: GoDebugSession;

    static async start(options: Omit<GoDebugSessionOptions, 'toIde'>): Promise<DapClient> {
        const client = new DapClient();
        client.session = await GoDebugSession.start({ ...options, toIde: m => client.receive(m) });
        return client;
    }

    protected receive(message: DapMessage): void {
        if (message.type === 'response') {
            this.pending.get(message.request_seq)?.(message);
            this.pending.delete(message.request_seq);
        } else if (message.type === 'event') {
            this.events.push(message);
            this.waiters.splice(0).forEach(w => w());
        } else if (message.type === 'request' && message.command === 'runInTerminal') {
            // Not used by these tests: say no, as an IDE without terminals would.
            this.session.send({ seq: this.seq++, type: 'response', request_seq: message.seq, command: message.command, success: false });
        }
    }

    /** Sends a request and resolves with the whole response (success or not). */
    request(command: string, args?: unknown, timeoutMs = 60_000): Promise<DapMessage> {
        const seq = this.seq++;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no response to ${command} within ${timeoutMs} ms`)), timeoutMs);
            this.pending.set(seq, response => { clearTimeout(timer); resolve(response); });
            this.session.send({ seq, type: 'request', command, arguments: args });
        });
    }

    /** Like request, but fails when dlv answers with an error. */
    async ok(command: string, args?: unknown): Promise<DapMessage> {
        const response = await this.request(command, args);
        if (!response.success) {
            throw new Error(`${command} failed: ${response.message} ${JSON.stringify(response.body ?? {})}`);
        }
        return response;
    }

    /** The first event named name (from index `after` on) that satisfies check. */
    async event(name: string, check: (e: DapMessage) => boolean = () => true, timeoutMs = 60_000, after = 0): Promise<DapMessage> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const found = this.events.slice(after).find(e => e.event === name && check(e));
            if (found) {
                return found;
            }
            const left = deadline - Date.now();
            if (left <= 0) {
                throw new Error(`no ${name} event within ${timeoutMs} ms; events: ${this.events.map(e => e.event).join(', ')}`);
            }
            await new Promise<void>(resolve => {
                const timer = setTimeout(resolve, left);
                this.waiters.push(() => { clearTimeout(timer); resolve(); });
            });
        }
    }

    output(): string {
        return this.events.filter(e => e.event === 'output').map(e => e.body.output).join('');
    }

    async dispose(): Promise<void> {
        await this.session?.dispose();
    }
}
