import * as vscode from 'vscode';
import { fromGitUri } from './git-uri';
import { Repositories } from './repositories';

/** Serves `git:` documents: a file as it is in the index or at HEAD, for diffs and the gutter's markers. */
export function registerGitContentProvider(ctx: vscode.ExtensionContext, repositories: Repositories): void {
    const changed = new vscode.EventEmitter<vscode.Uri>();
    const open = new Map<string, vscode.Uri>();
    const provider: vscode.TextDocumentContentProvider = {
        onDidChange: changed.event,
        provideTextDocumentContent: async uri => {
            open.set(uri.toString(), uri);
            const { path: file, ref } = fromGitUri(uri);
            const repo = repositories.forUri(vscode.Uri.file(file));
            return repo ? repo.repository.show(ref, repo.relative(vscode.Uri.file(file))) : '';
        }
    };
    // A stage or a commit changes what the index and HEAD hold: tell the open git: documents to read again.
    const onStatus = (): void => open.forEach(uri => changed.fire(uri));
    repositories.all.forEach(r => ctx.subscriptions.push(r.onDidChangeStatus(onStatus)));
    ctx.subscriptions.push(
        repositories.onDidOpen(r => ctx.subscriptions.push(r.onDidChangeStatus(onStatus))),
        vscode.workspace.onDidCloseTextDocument(doc => open.delete(doc.uri.toString())),
        vscode.workspace.registerTextDocumentContentProvider('git', provider),
        changed
    );
}
