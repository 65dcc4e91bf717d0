import * as vscode from 'vscode';
import { RepositoryStatus } from '../git/status';
import { Repositories } from './repositories';
import { GitSourceControl } from './source-control';

/** Two items, as in VS Code: the branch (click: checkout) and its ahead/behind counts (click: sync). */
export function registerStatusBar(ctx: vscode.ExtensionContext, repositories: Repositories): void {
    const branch = vscode.window.createStatusBarItem('git.branch', vscode.StatusBarAlignment.Left, 100);
    branch.name = 'Git Branch';
    const sync = vscode.window.createStatusBarItem('git.sync', vscode.StatusBarAlignment.Left, 99);
    sync.name = 'Git Sync';
    ctx.subscriptions.push(branch, sync);

    // The repository of the active editor, else the first.
    const current = (): GitSourceControl | undefined => {
        const uri = vscode.window.activeTextEditor?.document.uri;
        return (uri && repositories.forUri(uri)) ?? repositories.all[0];
    };
    const show = (): void => {
        const repository = current();
        const status = repository?.status;
        if (!repository || !status) {
            branch.hide();
            sync.hide();
            return;
        }
        branch.text = `$(git-branch) ${branchLabel(status)}`;
        branch.tooltip = `${repository.sourceControl.label}: ${branchLabel(status)}. Checkout to another branch…`;
        branch.command = { command: 'git.checkout', title: 'Checkout to...', arguments: [vscode.Uri.file(repository.root)] };
        branch.show();
        sync.text = syncLabel(status);
        sync.tooltip = status.upstream ? `Sync with ${status.upstream}: pull ${status.behind} and push ${status.ahead} commits` : 'Publish the branch (push it and set its upstream)';
        // A URI, not the SourceControl: a status bar command's arguments are sent to the frontend, and it cannot be.
        sync.command = { command: 'git.sync', title: 'Sync', arguments: [vscode.Uri.file(repository.root)] };
        sync.show();
    };
    const watch = (r: GitSourceControl): void => {
        ctx.subscriptions.push(r.onDidChangeStatus(show));
    };
    repositories.all.forEach(watch);
    ctx.subscriptions.push(repositories.onDidOpen(r => {
        watch(r);
        show();
    }), vscode.window.onDidChangeActiveTextEditor(show));
    show();
}

export function branchLabel(status: RepositoryStatus): string {
    return status.branch ?? (status.commit ? status.commit.slice(0, 8) : '(no commit)');
}

/** `$(sync) ↓1 ↑2`: what a sync would pull and push; a cloud for a branch that has no upstream yet. */
export function syncLabel(status: RepositoryStatus): string {
    if (!status.upstream) {
        return '$(cloud-upload)';
    }
    const counts = [status.behind ? `↓${status.behind}` : '', status.ahead ? `↑${status.ahead}` : ''].filter(Boolean).join(' ');
    return counts ? `$(sync) ${counts}` : '$(sync)';
}
