import * as vscode from 'vscode';
import { findRepositories } from '../git/discover';
import { Repository } from '../git/repository';
import { GitSourceControl } from './source-control';

/** The repositories of the workspace's folders, each with its SourceControl; kept in step with the folders. */
export class Repositories implements vscode.Disposable {
    private readonly open = new Map<string, GitSourceControl>();
    private readonly added = new vscode.EventEmitter<GitSourceControl>();
    readonly onDidOpen = this.added.event;
    private readonly disposables: vscode.Disposable[] = [this.added];

    constructor(private readonly output: vscode.OutputChannel) {
        this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover()));
    }

    get all(): GitSourceControl[] {
        return [...this.open.values()];
    }

    async discover(): Promise<void> {
        const folders = vscode.workspace.workspaceFolders ?? [];
        const roots = new Set((await Promise.all(folders.map(f => findRepositories(f.uri.fsPath)))).flat());
        for (const [root, repo] of this.open) {
            if (!roots.has(root)) {
                repo.dispose();
                this.open.delete(root);
            }
        }
        for (const root of roots) {
            if (!this.open.has(root)) {
                const repo = new GitSourceControl(new Repository(root), this.output);
                this.open.set(root, repo);
                this.output.appendLine(`Opened the git repository ${root}`);
                await repo.refresh();
                this.added.fire(repo);
            }
        }
        void vscode.commands.executeCommand('setContext', 'gitOpenRepositoryCount', this.open.size);
    }

    /** The repository holding a file: the innermost, for a repository nested in another. */
    forUri(uri: vscode.Uri): GitSourceControl | undefined {
        return this.all.filter(r => r.contains(uri)).sort((a, b) => b.root.length - a.root.length)[0];
    }

    forSourceControl(sc: vscode.SourceControl | undefined): GitSourceControl | undefined {
        return this.all.find(r => r.sourceControl === sc || r.sourceControl.rootUri?.toString() === sc?.rootUri?.toString());
    }

    /**
     * The repository a command acts on: the SourceControl it was run from (or a URI in it, from the status bar),
     * else the active editor's, else the only one, else the one the user picks.
     */
    async pick(arg?: unknown): Promise<GitSourceControl | undefined> {
        const sc = arg instanceof vscode.Uri ? this.forUri(arg)
            : arg && typeof arg === 'object' && 'rootUri' in arg ? this.forSourceControl(arg as vscode.SourceControl) : undefined;
        const editor = vscode.window.activeTextEditor?.document.uri;
        const chosen = sc ?? (editor && this.forUri(editor)) ?? (this.open.size === 1 ? this.all[0] : undefined);
        if (chosen || this.open.size === 0) {
            if (!chosen) {
                void vscode.window.showErrorMessage('There is no git repository in the workspace.');
            }
            return chosen;
        }
        const item = await vscode.window.showQuickPick(this.all.map(r => ({ label: r.sourceControl.label, description: r.root, repo: r })), { placeHolder: 'Choose a repository' });
        return item?.repo;
    }

    dispose(): void {
        this.open.forEach(r => r.dispose());
        this.disposables.forEach(d => d.dispose());
    }
}
