import * as vscode from 'vscode';
import { registerLanguageServer } from './gopls/register-language-server';
import { registerGoWork } from './gowork/register-go-work';
import { registerShowEnvironment } from './show-environment';
import { registerToolsEnv } from './tools-env';

/** The root of the plugin: each subsystem registers itself and hands its disposables to the context. */
export function activate(ctx: vscode.ExtensionContext): void {
    const output = vscode.window.createOutputChannel('Go');
    ctx.subscriptions.push(output);
    registerToolsEnv(ctx, output);
    registerShowEnvironment(ctx, output);
    registerGoWork(ctx);
    registerLanguageServer(ctx, output);
}

export function deactivate(): void {
    // everything is disposed through ctx.subscriptions
}
