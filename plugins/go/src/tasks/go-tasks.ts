import * as vscode from 'vscode';
import { goBinary } from '../go-binary';
import { toolsEnv } from '../gopls/go-env';

interface GoTaskDefinition extends vscode.TaskDefinition {
    /** The go subcommand and its arguments, e.g. ["test", "./..."]. */
    args: string[];
}

/** The Go tasks every module has; usable as a preLaunchTask by their label, e.g. "go: build". */
export const GO_TASKS: Array<{ label: string; args: string[]; group?: vscode.TaskGroup }> = [
    { label: 'build', args: ['build', './...'], group: vscode.TaskGroup.Build },
    { label: 'test', args: ['test', './...'], group: vscode.TaskGroup.Test },
    { label: 'vet', args: ['vet', './...'] },
    { label: 'mod tidy', args: ['mod', 'tidy'] }
];

export function goTask(folder: vscode.WorkspaceFolder, label: string, args: string[], group?: vscode.TaskGroup): vscode.Task {
    const env = toolsEnv(vscode.workspace.getConfiguration('go').get('toolsEnvVars')).env;
    const definition: GoTaskDefinition = { type: 'go', args };
    const task = new vscode.Task(definition, folder, label, 'go',
        new vscode.ProcessExecution(goBinary(), args, { cwd: folder.uri.fsPath, env }), '$go');
    task.group = group;
    return task;
}

export function registerGoTasks(ctx: vscode.ExtensionContext): void {
    ctx.subscriptions.push(vscode.tasks.registerTaskProvider('go', {
        provideTasks: () => (vscode.workspace.workspaceFolders ?? []).flatMap(folder =>
            GO_TASKS.map(t => goTask(folder, t.label, t.args, t.group))),
        resolveTask: task => {
            const definition = task.definition as GoTaskDefinition;
            const folder = task.scope && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
            if (!folder || !Array.isArray(definition.args)) {
                return undefined;
            }
            return goTask(folder, task.name, definition.args);
        }
    }));
}
