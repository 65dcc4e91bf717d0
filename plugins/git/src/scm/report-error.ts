import * as vscode from 'vscode';
import { userMessage } from '../git/errors';

/** Runs a command's work, telling the user what went wrong in words they can act on, and logging git's own. */
export async function reporting(output: vscode.OutputChannel, work: () => Promise<unknown>): Promise<void> {
    try {
        await work();
    } catch (err) {
        output.appendLine((err as Error).message);
        void vscode.window.showErrorMessage(userMessage(err));
    }
}
