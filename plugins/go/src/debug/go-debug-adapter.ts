import * as vscode from 'vscode';
import { DapMessage } from './dap-codec';
import { GoDebugSession } from './go-debug-session';
import { debugConsoleError } from './request-fixes';

/** The adapter the IDE talks to, in the plugin host: a thin shell around GoDebugSession. */
export class GoDebugAdapter implements vscode.DebugAdapter {
    protected readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
    readonly onDidSendMessage = this.emitter.event;
    protected session: GoDebugSession | undefined;

    deliver(message: DapMessage): void {
        this.emitter.fire(message as vscode.DebugProtocolMessage);
    }

    attach(session: GoDebugSession): void {
        this.session = session;
    }

    handleMessage(message: vscode.DebugProtocolMessage): void {
        this.session?.send(message as DapMessage);
    }

    dispose(): void {
        void this.session?.dispose();
        this.emitter.dispose();
    }
}

/**
 * The adapter of a session whose dlv could not start or be reached: it initializes, then answers the launch or
 * attach with the reason (the IDE shows it in its notification) and puts it in the Debug Console, and ends.
 * Without it the IDE would say only "There was an error starting the debug session, check the logs".
 */
export class FailedDebugAdapter implements vscode.DebugAdapter {
    protected readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
    readonly onDidSendMessage = this.emitter.event;
    protected seq = 1;

    constructor(protected readonly reason: string) { }

    handleMessage(message: vscode.DebugProtocolMessage): void {
        const request = message as DapMessage;
        if (request.type !== 'request') {
            return;
        }
        const answer = (success: boolean, more: Partial<DapMessage> = {}): void =>
            this.send({ seq: 0, type: 'response', request_seq: request.seq, command: request.command, success, ...more });
        if (request.command === 'initialize') {
            answer(true, { body: {} });
        } else if (request.command === 'disconnect' || request.command === 'terminate') {
            answer(true);
        } else {
            this.send(debugConsoleError(this.reason));
            answer(false, { message: this.reason, body: { error: { id: 1, format: this.reason, showUser: true } } });
            if (request.command === 'launch' || request.command === 'attach') {
                this.send({ seq: 0, type: 'event', event: 'terminated', body: {} });
            }
        }
    }

    protected send(message: DapMessage): void {
        this.emitter.fire({ ...message, seq: this.seq++ } as vscode.DebugProtocolMessage);
    }

    dispose(): void {
        this.emitter.dispose();
    }
}
