import * as vscode from 'vscode';
import { DapMessage } from './dap-codec';
import { GoDebugSession } from './go-debug-session';

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
