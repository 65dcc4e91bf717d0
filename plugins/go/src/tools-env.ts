import * as vscode from 'vscode';
import { toolsEnv } from './gopls/go-env';

/**
 * Applies `go.toolsEnvVars` to terminals and tasks, as gopls gets them at start: one environment
 * for every Go command the user runs, whatever runs it.
 */
export function registerToolsEnv(ctx: vscode.ExtensionContext, output: vscode.OutputChannel): void {
    const apply = (): void => {
        const { env, problems } = toolsEnv(vscode.workspace.getConfiguration('go').get('toolsEnvVars'));
        const collection = ctx.environmentVariableCollection;
        collection.clear();
        for (const [key, value] of Object.entries(env)) {
            collection.replace(key, value);
        }
        problems.forEach(p => output.appendLine(p));
    };
    apply();
    ctx.subscriptions.push(vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('go.toolsEnvVars')) {
            apply();
        }
    }));
}
