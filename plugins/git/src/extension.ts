import * as vscode from 'vscode';
import { registerBranchCommands } from './scm/branch-commands';
import { registerCommitCommands } from './scm/commit-commands';
import { registerFileDecorations } from './scm/file-decorations';
import { registerGitContentProvider } from './scm/git-content-provider';
import { registerMergeConflicts } from './scm/merge-conflicts';
import { registerRangeCommands } from './scm/range-commands';
import { registerRemoteCommands } from './scm/remote-commands';
import { Repositories } from './scm/repositories';
import { registerResourceCommands } from './scm/resource-commands';
import { registerStatusBar } from './scm/status-bar';

/** The root of the plugin: finds the workspace's repositories, then each feature registers itself. */
export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('Git');
    const repositories = new Repositories(output);
    ctx.subscriptions.push(output, repositories);
    registerGitContentProvider(ctx, repositories);
    registerResourceCommands(ctx, repositories, output);
    registerCommitCommands(ctx, repositories, output);
    registerBranchCommands(ctx, repositories, output);
    registerRemoteCommands(ctx, repositories, output);
    registerRangeCommands(ctx, repositories, output);
    registerMergeConflicts(ctx);
    registerFileDecorations(ctx, repositories);
    registerStatusBar(ctx, repositories);
    // Refresh looks for repositories again too: one cloned into the workspace since the IDE started.
    ctx.subscriptions.push(vscode.commands.registerCommand('git.refresh', async () => {
        await repositories.discover();
        await Promise.all(repositories.all.map(r => r.refresh()));
    }));
    await repositories.discover();
}

export function deactivate(): void {
    // everything is disposed through ctx.subscriptions
}
