import * as vscode from 'vscode';
import { registerShowEnvironment } from './show-environment';

/** The root of the plugin: each subsystem registers itself and hands its disposables to the context. */
export function activate(ctx: vscode.ExtensionContext): void {
    const output = vscode.window.createOutputChannel('Go');
    ctx.subscriptions.push(output);
    registerShowEnvironment(ctx, output);
}

export function deactivate(): void {
    // everything is disposed through ctx.subscriptions
}
