import * as vscode from 'vscode';
import { GoplsSettings } from './gopls/gopls-launch';

/** The plugin's settings in one typed place; see `contributes.configuration` in package.json. */
export interface GoSettings extends GoplsSettings {
    memoryLimit: string;
    maxRestarts: number;
}

export function readSettings(): GoSettings {
    const go = vscode.workspace.getConfiguration('go');
    return {
        path: go.get<string>('languageServer.path', ''),
        flags: go.get<unknown>('languageServer.flags', []),
        memoryLimit: go.get<string>('languageServer.memoryLimit', 'auto'),
        maxRestarts: go.get<number>('languageServer.maxRestarts', 5),
        toolsEnvVars: go.get<unknown>('toolsEnvVars', {})
    };
}
