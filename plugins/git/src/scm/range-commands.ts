import * as vscode from 'vscode';
import { applyChanges, changesInRanges, diffLines, LineChange, LineRange, rangesInOriginal } from '../git/line-changes';
import { reporting } from './report-error';
import { Repositories } from './repositories';
import { GitSourceControl } from './source-control';

/**
 * Stage, unstage and revert the changes that the editor's selections touch. The new index content is computed
 * here and written with hash-object and update-index, so that the rest of the file stays as it is.
 */
export function registerRangeCommands(ctx: vscode.ExtensionContext, repositories: Repositories, output: vscode.OutputChannel): void {
    const register = (id: string, work: (r: GitSourceControl, file: string, editor: vscode.TextEditor, ranges: LineRange[]) => Promise<void>): void => {
        ctx.subscriptions.push(vscode.commands.registerCommand(id, () => reporting(output, async () => {
            const editor = vscode.window.activeTextEditor;
            const repository = editor && editor.document.uri.scheme === 'file' ? repositories.forUri(editor.document.uri) : undefined;
            if (!editor || !repository) {
                return;
            }
            const ranges = editor.selections.map(s => ({ start: s.start.line, end: s.end.line }));
            try {
                await work(repository, repository.relative(editor.document.uri), editor, ranges);
            } finally {
                await repository.refresh();
            }
        })));
    };

    register('git.stageSelectedRanges', async (r, file, editor, ranges) => {
        const index = await r.repository.show('', file);
        const text = editor.document.getText();
        await r.repository.writeIndex(file, applyChanges(index, text, changesInRanges(diffLines(index, text), ranges)));
    });

    // The selections are lines of the editor (the working tree): mapped to the staged version's lines first.
    register('git.unstageSelectedRanges', async (r, file, editor, ranges) => {
        const head = await r.repository.show('HEAD', file);
        const index = await r.repository.show('', file);
        const changes = diffLines(head, index);
        const selected = new Set(changesInRanges(changes, rangesInOriginal(diffLines(index, editor.document.getText()), ranges)));
        await r.repository.writeIndex(file, applyChanges(head, index, changes.filter(c => !selected.has(c))));
    });

    register('git.revertSelectedRanges', async (r, file, editor, ranges) => {
        const index = await r.repository.show('', file);
        const text = editor.document.getText();
        const changes = diffLines(index, text);
        const selected = new Set(changesInRanges(changes, ranges));
        const reverted = applyChanges(index, text, changes.filter((c: LineChange) => !selected.has(c)));
        const all = new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(text.length));
        await editor.edit(edit => edit.replace(all, reverted));
        await editor.document.save();
    });
}
