import * as vscode from 'vscode';
import { GitError } from '../git/errors';
import { Progress } from '../git/repository';
import { reporting } from './report-error';
import { Repositories } from './repositories';
import { GitSourceControl } from './source-control';

/** Fetch, Pull, Push and Sync, showing git's progress lines in a notification. */
export function registerRemoteCommands(ctx: vscode.ExtensionContext, repositories: Repositories, output: vscode.OutputChannel): void {
    const register = (id: string, title: string, work: (r: GitSourceControl, progress: Progress) => Promise<void>): void => {
        ctx.subscriptions.push(vscode.commands.registerCommand(id, (arg?: unknown) => reporting(output, async () => {
            const repository = await repositories.pick(arg);
            if (!repository) {
                return;
            }
            await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, async report => {
                const progress: Progress = line => {
                    output.appendLine(line);
                    report.report({ message: line });
                };
                try {
                    await work(repository, progress);
                } finally {
                    await repository.refresh();
                }
            });
        })));
    };
    register('git.fetch', 'Git: Fetch', (r, progress) => r.repository.fetch(progress));
    register('git.pull', 'Git: Pull', (r, progress) => r.repository.pull(progress));
    register('git.push', 'Git: Push', (r, progress) => push(r, progress));
    register('git.sync', 'Git: Sync', async (r, progress) => {
        if (r.status?.upstream) {
            await r.repository.pull(progress);
        }
        await push(r, progress);
    });
}

/** Pushes; a branch without an upstream is offered one on origin (or the only remote) under the same name. */
async function push(repository: GitSourceControl, progress: Progress): Promise<void> {
    try {
        await repository.repository.push(progress);
    } catch (err) {
        if (!(err instanceof GitError) || err.reason !== 'no-upstream') {
            throw err;
        }
        const remotes = await repository.repository.remotes();
        const remote = remotes.includes('origin') ? 'origin' : remotes[0];
        const branch = repository.status?.branch;
        const answer = branch && await vscode.window.showInformationMessage(
            `The branch ${branch} has no upstream branch. Push it to ${remote} and track it (git push --set-upstream ${remote} ${branch})?`, 'Push');
        if (answer === 'Push') {
            await repository.repository.push(progress, remote);
        }
    }
}
