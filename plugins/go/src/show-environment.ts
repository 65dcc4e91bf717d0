import * as vscode from 'vscode';
import { runGo } from './go-binary';

/** "Go: Show Environment": runs `go env` in the workspace folder and shows the result in the Go output channel. */
export function registerShowEnvironment(ctx: vscode.ExtensionContext, output: vscode.OutputChannel): void {
    ctx.subscriptions.push(vscode.commands.registerCommand('go.showEnvironment', async () => {
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        try {
            const [version, env] = await Promise.all([runGo(['version'], cwd), runGo(['env'], cwd)]);
            output.clear();
            output.appendLine(version.trim());
            output.appendLine('');
            output.append(env);
            output.show(true);
        } catch (err) {
            void vscode.window.showErrorMessage((err as Error).message);
        }
    }));
}
