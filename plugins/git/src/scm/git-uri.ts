import * as vscode from 'vscode';

/** `ref` is `HEAD` (the last commit) or `''` (the index: the staged version). */
export interface GitUriParams {
    path: string;
    ref: string;
}

/** A file's version in git, for diffs and gutter markers; the document is served by GitContentProvider. */
export function toGitUri(file: vscode.Uri, ref: string): vscode.Uri {
    const params: GitUriParams = { path: file.fsPath, ref };
    return file.with({ scheme: 'git', query: JSON.stringify(params) });
}

export function fromGitUri(uri: vscode.Uri): GitUriParams {
    return JSON.parse(uri.query) as GitUriParams;
}
