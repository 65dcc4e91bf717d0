import * as vscode from 'vscode';
import { ConflictBlock, findConflicts, resolve, Resolution } from '../git/conflicts';

/** In a file with conflict markers: a lens above each block to accept a side or both, and the two sides coloured. */
export function registerMergeConflicts(ctx: vscode.ExtensionContext): void {
    const current = vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('git.merge.currentBackground'), isWholeLine: true });
    const incoming = vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('git.merge.incomingBackground'), isWholeLine: true });
    const changed = new vscode.EventEmitter<void>();

    const decorate = (editor: vscode.TextEditor | undefined): void => {
        if (!editor) {
            return;
        }
        const blocks = findConflicts(editor.document.getText());
        const lines = (from: number, to: number): vscode.Range => new vscode.Range(from, 0, to, 0);
        editor.setDecorations(current, blocks.map(b => lines(b.start, (b.base ?? b.separator) - 1)));
        editor.setDecorations(incoming, blocks.map(b => lines(b.separator + 1, b.end)));
    };

    const lensProvider: vscode.CodeLensProvider = {
        onDidChangeCodeLenses: changed.event,
        provideCodeLenses: document => findConflicts(document.getText()).flatMap(block => {
            const range = new vscode.Range(block.start, 0, block.start, 0);
            const lens = (title: string, resolution: Resolution): vscode.CodeLens =>
                new vscode.CodeLens(range, { title, command: `git.merge.accept${resolution[0].toUpperCase()}${resolution.slice(1)}`, arguments: [document.uri, block.start] });
            return [lens('Accept Current Change', 'current'), lens('Accept Incoming Change', 'incoming'), lens('Accept Both Changes', 'both')];
        })
    };

    const accept = (resolution: Resolution) => async (uri?: vscode.Uri, line?: number): Promise<void> => {
        const editor = uri ? await vscode.window.showTextDocument(uri) : vscode.window.activeTextEditor;
        if (!editor) {
            return;
        }
        const at = line ?? editor.selection.active.line;
        const text = editor.document.getText();
        const block = findConflicts(text).find((b: ConflictBlock) => b.start <= at && at <= b.end);
        if (!block) {
            void vscode.window.showInformationMessage('The cursor is not in a merge conflict (between <<<<<<< and >>>>>>>).');
            return;
        }
        const kept = resolve(text.split('\n'), block, resolution);
        const whole = new vscode.Range(block.start, 0, block.end + 1, 0);
        await editor.edit(edit => edit.replace(whole, kept.map(l => `${l}\n`).join('')));
    };

    ctx.subscriptions.push(
        current, incoming, changed,
        vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lensProvider),
        vscode.commands.registerCommand('git.merge.acceptCurrent', accept('current')),
        vscode.commands.registerCommand('git.merge.acceptIncoming', accept('incoming')),
        vscode.commands.registerCommand('git.merge.acceptBoth', accept('both')),
        vscode.window.onDidChangeActiveTextEditor(decorate),
        vscode.workspace.onDidChangeTextDocument(e => {
            vscode.window.visibleTextEditors.filter(ed => ed.document === e.document).forEach(decorate);
            changed.fire();
        })
    );
    vscode.window.visibleTextEditors.forEach(decorate);
}
