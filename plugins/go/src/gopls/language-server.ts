import { spawn } from 'child_process';
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, LanguageClientOptions, RevealOutputChannelOn, State } from 'vscode-languageclient/node';
import { findGo, toolVersion } from '@warren/go-toolchain';
import { readSettings } from '../settings';
import { goplsLaunch } from './gopls-launch';
import { memoryLimitForThisMachine } from './memory-limit';
import { RestartPolicy } from './restart-policy';

type ServerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

const DOCUMENTS = ['go', 'go.mod', 'go.work', 'go.sum'].map(language => ({ language, scheme: 'file' }));

/**
 * gopls under supervision: started with the pinned binary and a memory limit, restarted after a
 * crash a bounded number of times with each reason recorded, and shown in the status bar.
 */
export class GoLanguageServer implements vscode.Disposable {

    protected client: LanguageClient | undefined;
    protected state: ServerState = 'stopped';
    protected version = '';
    protected policy = new RestartPolicy(5);
    protected lastExit = '';
    protected lastStderr = '';
    protected readonly status = vscode.window.createStatusBarItem('go.languageServer', vscode.StatusBarAlignment.Right, 100);

    constructor(protected readonly output: vscode.OutputChannel) {
        this.status.name = 'Go Language Server';
        this.status.command = 'go.languageServer.showOutput';
        this.setState('stopped', 'gopls starts when a Go file is opened.');
        this.status.show();
    }

    async start(): Promise<void> {
        const settings = readSettings();
        this.policy = new RestartPolicy(settings.maxRestarts);
        this.setState('starting');
        let launch;
        try {
            launch = goplsLaunch(settings, memoryLimitForThisMachine(settings.memoryLimit));
        } catch (err) {
            this.fail((err as Error).message);
            return;
        }
        launch.notes.forEach(n => this.output.appendLine(n));
        try {
            // gopls needs a go it supports; say so here rather than leave a silent editor.
            await findGo(launch.env);
        } catch (err) {
            this.fail((err as Error).message);
            return;
        }
        this.version = (await toolVersion('gopls', launch.command)) ?? '';
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        const clientOptions: LanguageClientOptions = {
            documentSelector: DOCUMENTS,
            outputChannel: this.output,
            traceOutputChannel: this.output,
            // A request that fails while the user types (an inlay hint for a stale range) is logged in the Go
            // output, not shown as a notification; a gopls that cannot start or keeps crashing is shown (see fail()).
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            // gopls reads the `gopls` settings object through workspace/configuration; it also takes them at start.
            initializationOptions: vscode.workspace.getConfiguration('gopls'),
            synchronize: { configurationSection: 'gopls' },
            errorHandler: {
                error: () => ({ action: ErrorAction.Continue }),
                closed: () => this.onClosed()
            }
        };
        this.client = new LanguageClient('go', 'Go (gopls)', async () => {
            const child = spawn(launch.command, launch.args, { cwd, env: launch.env });
            this.lastExit = '';
            this.lastStderr = '';
            child.stderr.on('data', (chunk: Buffer) => {
                const lines = chunk.toString().trim().split('\n');
                this.lastStderr = lines[lines.length - 1] ?? this.lastStderr;
                this.output.append(chunk.toString());
            });
            child.on('exit', (code, signal) => { this.lastExit = signal ? `signal ${signal}` : `exit code ${code}`; });
            return child;
        }, clientOptions);
        this.client.onDidChangeState(e => {
            if (e.newState === State.Running) {
                this.setState('ready');
            }
        });
        try {
            await this.client.start();
        } catch (err) {
            this.fail(`gopls did not start: ${(err as Error).message}${this.lastStderr ? ` (${this.lastStderr})` : ''}`);
        }
    }

    /** "Go: Restart Language Server": a fresh start and a fresh crash budget. */
    async restart(): Promise<void> {
        this.output.appendLine('Restarting gopls (Go: Restart Language Server)');
        await this.stop();
        await this.start();
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client) {
            // stop() sends shutdown and exit, then kills gopls when it does not exit within the timeout.
            await client.stop(5_000).catch(err => this.output.appendLine(`Stopping gopls: ${(err as Error).message}`));
        }
        this.setState('stopped');
    }

    dispose(): void {
        void this.stop();
        this.status.dispose();
    }

    protected async onClosed(): Promise<{ action: CloseAction; handled: boolean }> {
        // The stream closes before the process's exit event, which tells why gopls ended: give it a moment.
        for (let i = 0; i < 20 && !this.lastExit; i++) {
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        const reason = `${this.lastExit || 'connection closed'}${this.lastStderr ? `: ${this.lastStderr}` : ''}`;
        if (this.policy.onCrash({ at: Date.now(), reason })) {
            const message = `gopls stopped unexpectedly (${reason}) and is being restarted (${this.policy.summary()}).`;
            this.output.appendLine(message);
            // A crash is rare and the editor blinks while gopls reloads: say why, once per crash.
            void vscode.window.showWarningMessage(message, 'Show Output').then(choice => choice && this.output.show(true));
            this.setState('restarting');
            return { action: CloseAction.Restart, handled: true };
        }
        this.fail(`gopls crashed ${this.policy.crashes.length} times in a few minutes and was not restarted again. Last: ${reason}.`);
        return { action: CloseAction.DoNotRestart, handled: true };
    }

    protected fail(message: string): void {
        this.setState('failed', message);
        this.output.appendLine(message);
        void vscode.window.showErrorMessage(message, 'Restart Language Server', 'Show Output').then(choice => {
            if (choice === 'Restart Language Server') {
                void vscode.commands.executeCommand('go.languageServer.restart');
            } else if (choice === 'Show Output') {
                this.output.show(true);
            }
        });
    }

    protected setState(state: ServerState, detail?: string): void {
        this.state = state;
        const icon = { starting: '$(sync~spin)', ready: '$(check)', restarting: '$(sync~spin)', failed: '$(error)', stopped: '$(circle-slash)' }[state];
        this.status.text = `${icon} gopls${this.version ? ` ${this.version}` : ''}${state === 'ready' ? '' : `: ${state}`}`;
        this.status.tooltip = detail ?? `Go language server (gopls) is ${state}. Click for the Go output.`;
    }
}
