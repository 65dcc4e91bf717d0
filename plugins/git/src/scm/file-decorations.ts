import * as path from 'node:path';
import * as vscode from 'vscode';
import { FileChange } from '../git/status';
import { Repositories } from './repositories';
import { GitSourceControl, LOOK } from './source-control';

/** The letter and colour of each changed file, in the Source Control view and the explorer (Theia's view reads them from here). */
export function registerFileDecorations(ctx: vscode.ExtensionContext, repositories: Repositories): void {
    const changed = new vscode.EventEmitter<vscode.Uri[] | undefined>();
    const provider: vscode.FileDecorationProvider = {
        onDidChangeFileDecorations: changed.event,
        provideFileDecoration: uri => {
            const repository = repositories.forUri(uri);
            const change = repository && changeOf(repository, repository.relative(uri));
            if (!change) {
                return undefined;
            }
            const look = LOOK[change.kind];
            return { badge: look.letter, tooltip: look.tooltip, color: new vscode.ThemeColor(look.color), propagate: false };
        }
    };
    // The files that were decorated and those that are: Theia's decorations service answers a change of
    // named files before it says they changed, while "everything changed" (undefined) only drops what it had.
    const decorated = new Map<GitSourceControl, Set<string>>();
    const watch = (r: GitSourceControl): void => {
        ctx.subscriptions.push(r.onDidChangeStatus(() => {
            const now = new Set(changesOf(r).map(c => path.join(r.root, c.path)));
            const files = new Set([...decorated.get(r) ?? [], ...now]);
            decorated.set(r, now);
            if (files.size) {
                changed.fire([...files].map(file => vscode.Uri.file(file)));
            }
        }));
    };
    repositories.all.forEach(watch);
    ctx.subscriptions.push(changed, repositories.onDidOpen(watch), vscode.window.registerFileDecorationProvider(provider));
}

/** A file's change: a conflict first, then the work tree's change, then the staged one: what the file is like now. */
function changeOf(repository: GitSourceControl, file: string): FileChange | undefined {
    return changesOf(repository).find(c => c.path === file);
}

/** Every change of the repository, in changeOf's order. */
function changesOf(repository: GitSourceControl): FileChange[] {
    const status = repository.status;
    return status ? [...status.merge, ...status.changes, ...status.staged] : [];
}
