import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
    createProtocolConnection, Diagnostic, InitializeRequest, ProtocolConnection, PublishDiagnosticsNotification,
    PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter
} from 'vscode-languageserver-protocol/node';

/** A minimal LSP client on a language server's stdio, as an editor would drive it. */
export class LspClient {
    readonly connection: ProtocolConnection;
    readonly diagnostics = new Map<string, Diagnostic[]>();
    protected readonly waiters: Array<() => void> = [];
    protected versions = new Map<string, number>();

    constructor(readonly process: ChildProcess, readonly root: string) {
        this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
        this.connection.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
            this.diagnostics.set(p.uri, p.diagnostics);
            this.waiters.splice(0).forEach(w => w());
        });
        // gopls asks for its settings and for progress tokens; answer like an editor with no settings.
        this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
        this.connection.onRequest('window/workDoneProgress/create', () => null);
        this.connection.onRequest('client/registerCapability', () => null);
        this.connection.listen();
    }

    static async start(command: string, args: string[], env: NodeJS.ProcessEnv, root: string): Promise<LspClient> {
        const child = spawn(command, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
        const client = new LspClient(child, root);
        await client.connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            rootUri: pathToFileURL(root).href,
            workspaceFolders: [{ uri: pathToFileURL(root).href, name: path.basename(root) }],
            capabilities: {
                textDocument: {
                    publishDiagnostics: { relatedInformation: true },
                    hover: { contentFormat: ['markdown', 'plaintext'] },
                    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
                    definition: { linkSupport: true },
                    rename: { prepareSupport: true }
                },
                workspace: { configuration: true, workspaceFolders: true, workspaceEdit: { documentChanges: true } },
                window: { workDoneProgress: true }
            },
            initializationOptions: {}
        });
        await client.connection.sendNotification('initialized', {});
        return client;
    }

    uri(file: string): string {
        return pathToFileURL(path.join(this.root, file)).href;
    }

    async open(file: string): Promise<string> {
        const uri = this.uri(file);
        this.versions.set(uri, 1);
        await this.connection.sendNotification('textDocument/didOpen', {
            textDocument: { uri, languageId: 'go', version: 1, text: fs.readFileSync(path.join(this.root, file), 'utf8') }
        });
        return uri;
    }

    async change(file: string, text: string): Promise<void> {
        const uri = this.uri(file);
        const version = (this.versions.get(uri) ?? 1) + 1;
        this.versions.set(uri, version);
        await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }

    /** Waits until the diagnostics published for file satisfy check. */
    async diagnosticsFor(file: string, check: (d: Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<Diagnostic[]> {
        const uri = this.uri(file);
        const deadline = Date.now() + timeoutMs;
        while (!(this.diagnostics.has(uri) && check(this.diagnostics.get(uri)!))) {
            const left = deadline - Date.now();
            if (left <= 0) {
                throw new Error(`diagnostics for ${file} never matched; last: ${JSON.stringify(this.diagnostics.get(uri))}`);
            }
            await new Promise<void>(resolve => {
                const timer = setTimeout(resolve, left);
                this.waiters.push(() => { clearTimeout(timer); resolve(); });
            });
        }
        return this.diagnostics.get(uri)!;
    }

    /** Position of the first occurrence of needle in file (0-based line and character), plus offset characters. */
    position(file: string, needle: string, offset = 0): { line: number; character: number } {
        const lines = fs.readFileSync(path.join(this.root, file), 'utf8').split('\n');
        const line = lines.findIndex(l => l.includes(needle));
        if (line < 0) {
            throw new Error(`${needle} is not in ${file}`);
        }
        return { line, character: lines[line].indexOf(needle) + offset };
    }

    async stop(): Promise<void> {
        try {
            await Promise.race([this.connection.sendRequest('shutdown'), new Promise(r => setTimeout(r, 3000))]);
            await this.connection.sendNotification('exit');
        } catch {
            // already gone
        }
        const exited = new Promise(resolve => this.process.once('exit', resolve));
        const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
        if (this.process.exitCode === null && this.process.signalCode === null) {
            await exited;
        }
        clearTimeout(timer);
        this.connection.dispose();
    }
}
