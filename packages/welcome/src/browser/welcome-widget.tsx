import { codicon, ReactWidget } from '@theia/core/lib/browser';
import { CommandService } from '@theia/core/lib/common';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import * as React from '@theia/core/shared/react';
import { DebugSessionManager } from '@theia/debug/lib/browser/debug-session-manager';
import { TerminalService } from '@theia/terminal/lib/browser/base/terminal-service';
import { WorkspaceService } from '@theia/workspace/lib/browser';
import { GoOverview, GoOverviewService, GoPackageEntry, GoTestEntry } from '@warren/go-workspace/lib/common/go-overview-protocol';

/** `./dir` as the go command takes a package folder. */
const pkgArg = (dir: string): string => (dir === '.' ? '.' : `./${dir}`);

/** Warren's welcome page: what Warren is, and what this workspace holds (its module, programs and tests) with what to do next. */
@injectable()
export class WelcomeWidget extends ReactWidget {

    static readonly ID = 'warren-welcome';
    static readonly LABEL = 'Welcome to Warren';

    @inject(CommandService) protected readonly commands: CommandService;
    @inject(WorkspaceService) protected readonly workspace: WorkspaceService;
    @inject(GoOverviewService) protected readonly overviews: GoOverviewService;
    @inject(TerminalService) protected readonly terminals: TerminalService;
    @inject(DebugSessionManager) protected readonly debug: DebugSessionManager;

    /** The first workspace folder and what go list says of it; undefined while it is read. */
    protected folder?: { uri: string; path: string; overview: GoOverview };

    @postConstruct()
    protected init(): void {
        this.id = WelcomeWidget.ID;
        this.title.label = WelcomeWidget.LABEL;
        this.title.caption = WelcomeWidget.LABEL;
        this.title.iconClass = codicon('home');
        this.title.closable = true;
        this.addClass('warren-welcome');
        this.update();
        void this.readWorkspace();
    }

    protected async readWorkspace(): Promise<void> {
        const root = (await this.workspace.roots)[0];
        if (!root) {
            return;
        }
        const folderPath = root.resource.path.fsPath();
        const overview = await this.overviews.describe(folderPath)
            .catch(err => ({ modules: [], mains: [], tests: [], testCount: 0, error: String(err?.message ?? err) }));
        this.folder = { uri: root.resource.toString(), path: folderPath, overview };
        this.update();
    }

    protected run(commandId: string): void {
        this.commands.executeCommand(commandId).catch(err => console.error(`Could not run ${commandId}`, err));
    }

    /** A new terminal in the workspace folder that runs `line`, as the user would type it. */
    protected async inTerminal(title: string, line: string): Promise<void> {
        const terminal = await this.terminals.newTerminal({ title, cwd: this.folder?.uri });
        await terminal.start();
        this.terminals.open(terminal, { mode: 'activate' });
        terminal.sendText(`${line}\n`);
    }

    protected startDebugging(name: string, configuration: Record<string, unknown>): void {
        void this.debug.start({ name, configuration: { type: 'go', request: 'launch', name, ...configuration }, workspaceFolderUri: this.folder?.uri });
    }

    protected link(label: string, onClick: () => void, title?: string): React.ReactNode {
        return <a href='#' role='button' title={title} onClick={e => { e.preventDefault(); onClick(); }}>{label}</a>;
    }

    protected action(label: string, commandId: string): React.ReactNode {
        return <li>{this.link(label, () => this.run(commandId))}</li>;
    }

    protected renderProgram(main: GoPackageEntry): React.ReactNode {
        const arg = pkgArg(main.dir);
        return <li key={main.importPath} data-program={main.dir}>
            <code>{main.importPath}</code>{' '}
            {this.link('Run', () => void this.inTerminal(`go run ${arg}`, `go run ${arg}`), `go run ${arg} in a terminal`)}{' · '}
            {this.link('Debug', () => this.startDebugging(`Debug ${arg}`, { mode: 'debug', program: `${this.folder!.path}/${main.dir}` }), 'start it in the debugger')}
        </li>;
    }

    protected renderTest(test: GoTestEntry): React.ReactNode {
        const arg = pkgArg(test.dir);
        const run = `go test -run '^${test.name}$' ${arg}`;
        return <li key={`${test.importPath} ${test.name}`} data-test={test.name}>
            <code>{test.name}</code> in <code>{test.file}</code>{' '}
            {this.link('Run test', () => void this.inTerminal(test.name, run), `${run} in a terminal`)}{' · '}
            {this.link('Debug test', () => this.startDebugging(`Debug ${test.name}`,
                { mode: 'test', program: `${this.folder!.path}/${test.dir}`, args: ['-test.run', `^${test.name}$`] }), 'run it in the debugger')}
        </li>;
    }

    protected renderWorkspace(): React.ReactNode {
        if (!this.folder) {
            return <p className='warren-welcome-reading'>Reading the workspace with <code>go list</code>…</p>;
        }
        const { modules, mains, tests, testCount, error } = this.folder.overview;
        if (error) {
            return <div className='warren-welcome-workspace' data-error>
                <p>This folder has no Go packages that <code>go list</code> can read:</p>
                <pre>{error}</pre>
                <p>Open a terminal and run <code>go mod init example.com/yourmodule</code> to start a module here.</p>
            </div>;
        }
        return <div className='warren-welcome-workspace'>
            <p>Module{modules.length > 1 ? 's' : ''} {modules.map((m, i) => <React.Fragment key={m}>{i ? ', ' : ''}<code>{m}</code></React.Fragment>)}</p>
            <h3>Programs</h3>
            {mains.length
                ? <ul className='warren-welcome-programs'>{mains.map(m => this.renderProgram(m))}</ul>
                : <p>No <code>main</code> package: this module is a library. Its tests are the way to run it.</p>}
            <h3>Tests</h3>
            {tests.length
                ? <ul className='warren-welcome-tests'>{tests.map(t => this.renderTest(t))}</ul>
                : <p>No tests yet: add a <code>_test.go</code> file beside the code it tests.</p>}
            {testCount > tests.length && <p>… and {testCount - tests.length} more: {this.link('go test ./...', () => void this.inTerminal('go test', 'go test ./...'))}</p>}
        </div>;
    }

    protected render(): React.ReactNode {
        return <div className='warren-welcome-page'>
            <h1>Warren</h1>
            <p className='warren-welcome-lead'>
                A browser IDE for Go. Your code, the Go toolchain, gopls and dlv run next to each other in this workspace;
                the browser tab is all you need.
            </p>
            <h2>This workspace</h2>
            {this.renderWorkspace()}
            <h2>Actions</h2>
            <ul className='warren-welcome-actions'>
                {this.action('New Terminal', 'terminal:new')}
                {this.action('Go: Show Environment', 'go.showEnvironment')}
                {this.action('Go: Show Toolchain', 'warren.go.showToolchain')}
                {this.action('Open File...', 'file-search.openFile')}
            </ul>
            <h2>Learn more</h2>
            <p>Plugin authors: see <code>doc/plugin-authoring.md</code> in the Warren repository to add a Theia extension or a VS Code plugin.</p>
        </div>;
    }
}
