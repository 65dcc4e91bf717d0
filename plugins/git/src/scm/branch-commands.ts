import * as vscode from 'vscode';
import { reporting } from './report-error';
import { Repositories } from './repositories';

/** Create Branch and Checkout to: a quick pick of the local and remote branches. */
export function registerBranchCommands(ctx: vscode.ExtensionContext, repositories: Repositories, output: vscode.OutputChannel): void {
    ctx.subscriptions.push(
        vscode.commands.registerCommand('git.branch', (arg?: unknown) => reporting(output, async () => {
            const repository = await repositories.pick(arg);
            const name = repository && await vscode.window.showInputBox({
                prompt: 'The name of the new branch, created from HEAD and checked out',
                validateInput: value => /^(?!-)(?!.*\.\.)[^\s~^:?*[\\]+(?<![./])$/.test(value) ? undefined : 'Not a valid branch name'
            });
            if (repository && name) {
                await repository.repository.createBranch(name).finally(() => repository.refresh());
            }
        })),
        vscode.commands.registerCommand('git.checkout', (arg?: unknown) => reporting(output, async () => {
            const repository = await repositories.pick(arg);
            if (!repository) {
                return;
            }
            const current = repository.status?.branch;
            const branches = await repository.repository.branches();
            const items = [
                { label: '$(plus) Create new branch...', branch: undefined },
                ...branches.map(b => ({
                    label: `${b.remote ? '$(cloud)' : '$(git-branch)'} ${b.name}`,
                    description: [b.commit, b.name === current ? 'current' : '', b.upstream ? `tracks ${b.upstream}` : ''].filter(Boolean).join(' · '),
                    branch: b
                }))
            ];
            const item = await vscode.window.showQuickPick(items, { placeHolder: 'Select a branch to check out' });
            if (item && !item.branch) {
                await vscode.commands.executeCommand('git.branch', vscode.Uri.file(repository.root));
            } else if (item?.branch) {
                await repository.repository.checkout(item.branch).finally(() => repository.refresh());
            }
        }))
    );
}
