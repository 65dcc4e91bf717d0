import * as vscode from 'vscode';

/** How long a schema download may take before the file is checked without it. */
const DOWNLOAD_TIMEOUT_MS = 5_000;

/**
 * The text of a schema: the IDE's own (Theia's `vscode://schemas/...`, which it keeps up to date as
 * plugins and preferences register) through the documents API, a plugin's or the workspace's from
 * its file, and one on the web downloaded unless `json.schemaDownload.enable` is off.
 */
export async function loadSchema(uri: string): Promise<string> {
    const parsed = vscode.Uri.parse(uri);
    if (parsed.scheme === 'file') {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(parsed));
    }
    if (parsed.scheme === 'http' || parsed.scheme === 'https') {
        if (!vscode.workspace.getConfiguration('json').get<boolean>('schemaDownload.enable', true)) {
            throw new Error(`Downloading schemas is off (json.schemaDownload.enable): ${uri} was not loaded.`);
        }
        const response = await fetch(uri, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
        if (!response.ok) {
            throw new Error(`${uri} answered ${response.status} ${response.statusText}.`);
        }
        return response.text();
    }
    return (await vscode.workspace.openTextDocument(parsed)).getText();
}
