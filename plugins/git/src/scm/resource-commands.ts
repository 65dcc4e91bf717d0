import * as path from 'node:path';
import * as vscode from 'vscode';
import { toGitUri } from './git-uri';
import { reporting } from './report-error';
import { Repositories } from './repositories';
import { changesOf, repositoryOfGroup } from './resource-args';
import { GitSourceControl } from './source-control';

/** Stage, unstage and discard: one file, the selected ones, or a whole group; open a change or its file. */
export function registerResourceCommands(ctx: vscode.ExtensionContext, repositories: Repositories, output: vscode.OutputChannel): void {
    const command = (id: string, run: (...args: unknown[]) => Promise<unknown>): void => {
        ctx.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => reporting(output, () => run(...args))));
    };
    const eachRepository = async (work: (r: GitSourceControl) => Promise<void>, r: GitSourceControl): Promise<void> => {
        try {
            await work(r);
        } finally {
            await r.refresh();
        }
    };

    command('git.stage', async (...args) => {
        for (const { repository, changes } of changesOf(repositories, args, ['merge', 'workingTree'])) {
            await eachRepository(r => r.repository.stage(changes.map(c => c.path)), repository);
        }
    });
    command('git.unstage', async (...args) => {
        for (const { repository, changes } of changesOf(repositories, args, ['index'])) {
            await eachRepository(r => r.repository.unstage(changes), repository);
        }
    });
    command('git.clean', async (...args) => {
        for (const { repository, changes } of changesOf(repositories, args, ['workingTree'])) {
            if (await confirmDiscard(changes.map(c => c.path), changes.some(c => c.kind === 'untracked'))) {
                await eachRepository(r => r.repository.discard(changes), repository);
            }
        }
    });
    command('git.stageAll', async arg => {
        const repository = await repositoryOfGroup(repositories, arg);
        if (repository) {
            await eachRepository(r => r.repository.stageAll(), repository);
        }
    });
    command('git.unstageAll', async arg => {
        const repository = await repositoryOfGroup(repositories, arg);
        if (repository) {
            await eachRepository(r => r.repository.unstageAll(), repository);
        }
    });
    command('git.cleanAll', async arg => {
        const repository = await repositoryOfGroup(repositories, arg);
        const changes = repository?.status?.changes ?? [];
        if (repository && changes.length && await confirmDiscard(changes.map(c => c.path), changes.some(c => c.kind === 'untracked'))) {
            await eachRepository(r => r.repository.discard(changes), repository);
        }
    });
    command('git.openChange', async (arg, group) => openChange(repositories, arg, group));
    command('git.openFile', async arg => {
        const uri = arg instanceof vscode.Uri ? arg : (arg as vscode.SourceControlResourceState | undefined)?.resourceUri ?? vscode.window.activeTextEditor?.document.uri;
        if (uri) {
            await vscode.window.showTextDocument(uri.scheme === 'git' ? vscode.Uri.file(JSON.parse(uri.query).path) : uri, { preview: false });
        }
    });
}

/** A modal question: discarding cannot be undone, and an untracked file is deleted. */
async function confirmDiscard(files: string[], deletes: boolean): Promise<boolean> {
    const what = files.length === 1 ? `the changes in ${files[0]}` : `the changes in ${files.length} files`;
    const detail = deletes ? 'Untracked files are deleted. This cannot be undone.' : 'This cannot be undone.';
    const answer = await vscode.window.showWarningMessage(`Discard ${what}?`, { modal: true, detail }, 'Discard');
    return answer === 'Discard';
}

/** A diff of the change: the staged version against the file, or HEAD's against the staged one for a staged change. */
async function openChange(repositories: Repositories, arg: unknown, group: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : (arg as vscode.SourceControlResourceState | undefined)?.resourceUri ?? vscode.window.activeTextEditor?.document.uri;
    const repository = uri && repositories.forUri(uri);
    if (!uri || !repository) {
        return;
    }
    const rel = repository.relative(uri);
    const status = repository.status;
    const staged = group === 'index' || (group === undefined && !!status?.staged.some(c => c.path === rel) && !status.changes.some(c => c.path === rel));
    const change = [...(status?.staged ?? []), ...(status?.changes ?? []), ...(status?.merge ?? [])].find(c => c.path === rel);
    const name = path.basename(uri.fsPath);
    if (change?.kind === 'untracked' || change?.kind === 'conflict' || (staged && change?.kind === 'added')) {
        await vscode.window.showTextDocument(uri, { preview: false });
    } else if (change?.kind === 'deleted') {
        await vscode.window.showTextDocument(toGitUri(uri, staged ? 'HEAD' : ''), { preview: false });
    } else if (staged) {
        await vscode.commands.executeCommand('vscode.diff', toGitUri(uri, 'HEAD'), toGitUri(uri, ''), `${name} (Index)`);
    } else {
        await vscode.commands.executeCommand('vscode.diff', toGitUri(uri, ''), uri, `${name} (Working Tree)`);
    }
}
