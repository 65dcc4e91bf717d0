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
    startWithFirstGoDocument(ctx, server);
}

const GO_LANGUAGES = new Set(['go', 'go.mod', 'go.work', 'go.sum']);

/**
 * gopls starts with the first Go document the user opens, not with the IDE: loading a module costs
 * seconds of CPU, and on a small machine that would slow the IDE's own start-up for someone who has
 * not opened a Go file yet. "Go: Restart Language Server" starts it at any time.
 */
function startWithFirstGoDocument(ctx: vscode.ExtensionContext, server: GoLanguageServer): void {
    if (vscode.workspace.textDocuments.some(d => GO_LANGUAGES.has(d.languageId))) {
        void server.start();
        return;
    }
    const listener = vscode.workspace.onDidOpenTextDocument(d => {
        if (GO_LANGUAGES.has(d.languageId)) {
            listener.dispose();
            void server.start();
        }
    });
    ctx.subscriptions.push(listener);
}
