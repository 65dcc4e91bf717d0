import * as vscode from 'vscode';
import { registerDebug } from './debug/register-debug';
import { registerTestLens } from './debug/test-lens';
import { registerLanguageServer } from './gopls/register-language-server';
import { registerGoWork } from './gowork/register-go-work';
import { registerShowEnvironment } from './show-environment';
import { registerGoTasks } from './tasks/go-tasks';
import { registerToolsEnv } from './tools-env';

/** The root of the plugin: each subsystem registers itself and hands its disposables to the context. */
export function activate(ctx: vscode.ExtensionContext): void {
    const output = vscode.window.createOutputChannel('Go');
    ctx.subscriptions.push(output);
    registerToolsEnv(ctx, output);
    registerShowEnvironment(ctx, output);
    registerGoWork(ctx);
    registerGoTasks(ctx);
    registerDebug(ctx);
    registerTestLens(ctx);
    registerLanguageServer(ctx, output);
}

export function deactivate(): void {
    // everything is disposed through ctx.subscriptions
}
