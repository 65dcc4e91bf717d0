import * as vscode from 'vscode';
import { goBinary } from '../go-binary';
import { generateGoWork } from './go-work';

/** "Go: Generate go.work": one go.work for the modules of the workspace folder, kept out of git. */
export function registerGoWork(ctx: vscode.ExtensionContext): void {
    ctx.subscriptions.push(vscode.commands.registerCommand('go.workspace.generateGoWork', async () => {
        const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        if (!root) {
            void vscode.window.showErrorMessage('Open a folder first: go.work is written at the root of the workspace folder.');
            return;
        }
        try {
            const result = await generateGoWork(root, goBinary());
            const where = result.excludedIn ? ' It is listed in .git/info/exclude, so it is never committed.' : '';
            void vscode.window.showInformationMessage(`Wrote go.work with ${result.modules.length} module(s): ${result.modules.join(', ')}.${where}`);
            await vscode.window.showTextDocument(vscode.Uri.file(result.file));
        } catch (err) {
            void vscode.window.showErrorMessage((err as Error).message);
        }
    }));
}
