import * as vscode from 'vscode';
import { GoLanguageServer } from './language-server';

export function registerLanguageServer(ctx: vscode.ExtensionContext, output: vscode.OutputChannel): void {
    const server = new GoLanguageServer(output);
    ctx.subscriptions.push(
        server,
        vscode.commands.registerCommand('go.languageServer.restart', () => server.restart()),
        vscode.commands.registerCommand('go.languageServer.showOutput', () => output.show(true)),
        vscode.workspace.onDidChangeConfiguration(e => {
            if (e.affectsConfiguration('go.languageServer') || e.affectsConfiguration('go.toolsEnvVars')) {
                void server.restart();
            }
        })
    );
    void server.start();
}
