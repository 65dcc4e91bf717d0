import * as vscode from 'vscode';
import { GitError } from '../git/errors';
import { reporting } from './report-error';
import { Repositories } from './repositories';
import { GitSourceControl } from './source-control';

/** Commit and Commit (Amend), with the message of the SourceControl's input box (Ctrl+Enter in it commits). */
export function registerCommitCommands(ctx: vscode.ExtensionContext, repositories: Repositories, output: vscode.OutputChannel): void {
    const register = (id: string, amend: boolean): void => {
        ctx.subscriptions.push(vscode.commands.registerCommand(id, (arg?: unknown) => reporting(output, async () => {
            const repository = await repositories.pick(arg);
            if (repository) {
                try {
                    await commit(repository, amend);
                } finally {
                    await repository.refresh();
                }
            }
        })));
    };
    register('git.commit', false);
    register('git.commitAmend', true);
}

async function commit(repository: GitSourceControl, amend: boolean): Promise<void> {
    const box = repository.sourceControl.inputBox;
    if (amend && !box.value.trim()) {
        // Prefill the last message and let the user change it before amending, as VS Code does.
        box.value = await repository.repository.lastCommitMessage();
        const message = await vscode.window.showInputBox({ prompt: 'Commit message (amend)', value: box.value });
        if (message === undefined) {
            return;
        }
        box.value = message;
    }
    const message = box.value.trim();
    if (!message) {
        void vscode.window.showWarningMessage('Type a commit message in the box above the changes first.');
        return;
    }
    await repository.refresh();
    const status = repository.status;
    let all = false;
    if (!amend && status && status.staged.length === 0) {
        if (status.changes.length === 0 && status.merge.length === 0) {
            throw new GitError('nothing-to-commit', 'nothing to commit');
        }
        const answer = await vscode.window.showWarningMessage('There are no staged changes. Stage all your changes and commit them?', { modal: true }, 'Commit All');
        if (answer !== 'Commit All') {
            return;
        }
        all = true;
    }
    await repository.repository.commit(message, { amend, all });
    box.value = '';
}
