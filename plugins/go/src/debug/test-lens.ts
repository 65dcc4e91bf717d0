import * as path from 'path';
import * as vscode from 'vscode';
import { goTask } from '../tasks/go-tasks';

const TEST_FUNC = /^func ((?:Test|Benchmark|Fuzz|Example)\w*)\((?:\w+ \*testing\.[TBF])?\)/;

/** The test functions of a _test.go file: their names and lines. */
export function testFunctions(text: string): Array<{ name: string; line: number }> {
    return text.split('\n').flatMap((line, i) => {
        const m = TEST_FUNC.exec(line);
        return m ? [{ name: m[1], line: i }] : [];
    });
}

/** "run test | debug test" above each test function, and the commands behind them. */
export function registerTestLens(ctx: vscode.ExtensionContext): void {
    ctx.subscriptions.push(
        vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file', pattern: '**/*_test.go' }, {
            provideCodeLenses: doc => testFunctions(doc.getText()).flatMap(({ name, line }) => {
                const range = new vscode.Range(line, 0, line, 0);
                return [
                    new vscode.CodeLens(range, { title: 'run test', command: 'go.test.run', arguments: [doc.uri, name] }),
                    new vscode.CodeLens(range, { title: 'debug test', command: 'go.test.debug', arguments: [doc.uri, name] })
                ];
            })
        }),
        vscode.commands.registerCommand('go.test.run', async (uri: vscode.Uri, name: string) => {
            const folder = vscode.workspace.getWorkspaceFolder(uri);
            if (folder) {
                const dir = `./${path.relative(folder.uri.fsPath, path.dirname(uri.fsPath)) || '.'}`;
                await vscode.tasks.executeTask(goTask(folder, `test ${name}`, ['test', '-run', `^${name}$`, '-v', dir], vscode.TaskGroup.Test));
            }
        }),
        vscode.commands.registerCommand('go.test.debug', (uri: vscode.Uri, name: string) =>
            vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), {
                type: 'go', request: 'launch', name: `Debug ${name}`, mode: 'test', program: path.dirname(uri.fsPath), args: ['-test.run', `^${name}$`]
            }))
    );
}
