import * as path from 'node:path';
import * as vscode from 'vscode';
import { Repository } from '../git/repository';
import { ChangeKind, FileChange, RepositoryStatus } from '../git/status';
import { toGitUri } from './git-uri';

/** What the view shows for each kind of change: the letter and colour VS Code users know, and a tooltip. */
export const LOOK: Record<ChangeKind, { letter: string; color: string; tooltip: string }> = {
    modified: { letter: 'M', color: 'gitDecoration.modifiedResourceForeground', tooltip: 'Modified' },
    added: { letter: 'A', color: 'gitDecoration.addedResourceForeground', tooltip: 'Added' },
    deleted: { letter: 'D', color: 'gitDecoration.deletedResourceForeground', tooltip: 'Deleted' },
    renamed: { letter: 'R', color: 'gitDecoration.renamedResourceForeground', tooltip: 'Renamed' },
    copied: { letter: 'C', color: 'gitDecoration.addedResourceForeground', tooltip: 'Copied' },
    typeChanged: { letter: 'T', color: 'gitDecoration.modifiedResourceForeground', tooltip: 'Type changed' },
    untracked: { letter: 'U', color: 'gitDecoration.untrackedResourceForeground', tooltip: 'Untracked' },
    conflict: { letter: '!', color: 'gitDecoration.conflictingResourceForeground', tooltip: 'Conflict' }
};

export type GroupId = 'merge' | 'index' | 'workingTree';

// File events come in bursts (a checkout, a build): one refresh per burst.
const DEBOUNCE_MS = 300;

/** One repository in the Source Control view: its three groups, the commit box, gutter markers and its status. */
export class GitSourceControl implements vscode.Disposable {
    readonly sourceControl: vscode.SourceControl;
    readonly groups: Record<GroupId, vscode.SourceControlResourceGroup>;
    status: RepositoryStatus | undefined;
    private readonly changed = new vscode.EventEmitter<RepositoryStatus>();
    readonly onDidChangeStatus = this.changed.event;
    private readonly disposables: vscode.Disposable[] = [];
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> | undefined;
    private again = false;

    constructor(readonly repository: Repository, private readonly output: vscode.OutputChannel) {
        const root = vscode.Uri.file(repository.root);
        this.sourceControl = vscode.scm.createSourceControl('git', path.basename(repository.root), root);
        this.sourceControl.inputBox.placeholder = 'Message (Ctrl+Enter to commit)';
        this.sourceControl.acceptInputCommand = { command: 'git.commit', title: 'Commit', arguments: [root] };
        this.sourceControl.quickDiffProvider = {
            // The gutter compares the editor with the staged version, as VS Code does, or HEAD's for a file not in the index.
            provideOriginalResource: (uri: vscode.Uri): vscode.Uri | undefined =>
                uri.scheme === 'file' && this.contains(uri) && !this.isUntracked(uri) ? toGitUri(uri, '') : undefined
        };
        this.groups = {
            merge: this.sourceControl.createResourceGroup('merge', 'Merge Changes'),
            index: this.sourceControl.createResourceGroup('index', 'Staged Changes'),
            workingTree: this.sourceControl.createResourceGroup('workingTree', 'Changes')
        };
        this.groups.merge.hideWhenEmpty = true;
        this.groups.index.hideWhenEmpty = true;
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**'));
        // The work tree and .git/HEAD, .git/index and refs: anything else under .git (objects, logs) changes nothing we show.
        const onFile = (uri: vscode.Uri): void => {
            const rel = path.relative(repository.root, uri.fsPath).split(path.sep);
            if (rel[0] !== '.git' || /^(HEAD|index|refs|MERGE_HEAD|FETCH_HEAD|ORIG_HEAD)$/.test(rel[1] ?? '')) {
                this.scheduleRefresh();
            }
        };
        watcher.onDidChange(onFile);
        watcher.onDidCreate(onFile);
        watcher.onDidDelete(onFile);
        this.disposables.push(watcher, this.sourceControl, this.changed);
    }

    get root(): string {
        return this.repository.root;
    }

    contains(uri: vscode.Uri): boolean {
        const rel = path.relative(this.root, uri.fsPath);
        return !rel.startsWith('..') && !path.isAbsolute(rel);
    }

    relative(uri: vscode.Uri): string {
        return path.relative(this.root, uri.fsPath).split(path.sep).join('/');
    }

    uriOf(file: string): vscode.Uri {
        return vscode.Uri.file(path.join(this.root, ...file.split('/')));
    }

    isUntracked(uri: vscode.Uri): boolean {
        const rel = this.relative(uri);
        return !!this.status?.changes.some(c => c.kind === 'untracked' && c.path === rel);
    }

    scheduleRefresh(): void {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
    }

    /** Reads git status again; a refresh asked for while one runs is run once after it. */
    refresh(): Promise<void> {
        if (this.running) {
            this.again = true;
            return this.running;
        }
        this.running = this.update().finally(() => {
            this.running = undefined;
            if (this.again) {
                this.again = false;
                void this.refresh();
            }
        });
        return this.running;
    }

    private async update(): Promise<void> {
        try {
            const status = await this.repository.status();
            this.status = status;
            this.groups.merge.resourceStates = status.merge.map(c => this.state(c, 'merge'));
            this.groups.index.resourceStates = status.staged.map(c => this.state(c, 'index'));
            this.groups.workingTree.resourceStates = status.changes.map(c => this.state(c, 'workingTree'));
            this.sourceControl.count = status.merge.length + status.staged.length + status.changes.length;
            this.changed.fire(status);
        } catch (err) {
            this.output.appendLine(`git status in ${this.root} failed: ${(err as Error).message}`);
        }
    }

    private state(change: FileChange, group: GroupId): vscode.SourceControlResourceState {
        const look = LOOK[change.kind];
        const resourceUri = this.uriOf(change.path);
        const tooltip = change.originalPath ? `${look.tooltip} from ${change.originalPath}` : look.tooltip;
        return {
            resourceUri,
            command: { command: 'git.openChange', title: 'Open Changes', arguments: [resourceUri, group] },
            decorations: { strikeThrough: change.kind === 'deleted', faded: false, tooltip },
            contextValue: change.kind
        };
    }

    dispose(): void {
        clearTimeout(this.timer);
        this.disposables.forEach(d => d.dispose());
    }
}
