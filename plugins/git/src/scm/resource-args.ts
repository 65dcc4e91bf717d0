import * as vscode from 'vscode';
import { FileChange } from '../git/status';
import { Repositories } from './repositories';
import { GitSourceControl, GroupId } from './source-control';

export interface Selection {
    repository: GitSourceControl;
    changes: FileChange[];
}

/**
 * The changes a command acts on, per repository: the resource states or URIs it was given (the view passes the
 * clicked state and the selected ones), else the active editor's file. A file is looked up in the groups the
 * command applies to, so that "Unstage" of a file staged and changed again takes its staged change.
 */
export function changesOf(repositories: Repositories, args: unknown[], groups: GroupId[]): Selection[] {
    const uris = args.flat().flatMap(arg => {
        if (arg instanceof vscode.Uri) {
            return [arg];
        }
        const uri = (arg as vscode.SourceControlResourceState | undefined)?.resourceUri;
        return uri ? [uri] : [];
    });
    if (!uris.length && vscode.window.activeTextEditor) {
        uris.push(vscode.window.activeTextEditor.document.uri);
    }
    const result = new Map<GitSourceControl, FileChange[]>();
    for (const uri of uris) {
        const repository = repositories.forUri(uri);
        const status = repository?.status;
        if (!repository || !status) {
            continue;
        }
        const rel = repository.relative(uri);
        const lists: Record<GroupId, FileChange[]> = { merge: status.merge, index: status.staged, workingTree: status.changes };
        const change = groups.map(g => lists[g].find(c => c.path === rel)).find(Boolean);
        const list = result.get(repository) ?? [];
        if (change && !list.some(c => c.path === change.path)) {
            result.set(repository, [...list, change]);
        }
    }
    return [...result].map(([repository, changes]) => ({ repository, changes }));
}

/** The repository of a resource group passed by the view's group menu, or the one a command picks. */
export async function repositoryOfGroup(repositories: Repositories, arg: unknown): Promise<GitSourceControl | undefined> {
    const group = arg as vscode.SourceControlResourceGroup | undefined;
    if (group && typeof group === 'object' && 'resourceStates' in group) {
        const first = group.resourceStates[0]?.resourceUri;
        const owner = first ? repositories.forUri(first) : repositories.all.find(r => Object.values(r.groups).includes(group));
        if (owner) {
            return owner;
        }
    }
    return repositories.pick(arg);
}
