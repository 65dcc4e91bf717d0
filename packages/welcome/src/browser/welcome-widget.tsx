import { codicon, ReactWidget } from '@theia/core/lib/browser';
import { CommandService } from '@theia/core/lib/common';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import * as React from '@theia/core/shared/react';

/** Warren's welcome page: what Warren is and the first steps with Go. */
@injectable()
export class WelcomeWidget extends ReactWidget {

    static readonly ID = 'warren-welcome';
    static readonly LABEL = 'Welcome to Warren';

    @inject(CommandService) protected readonly commands: CommandService;

    @postConstruct()
    protected init(): void {
        this.id = WelcomeWidget.ID;
        this.title.label = WelcomeWidget.LABEL;
        this.title.caption = WelcomeWidget.LABEL;
        this.title.iconClass = codicon('home');
        this.title.closable = true;
        this.addClass('warren-welcome');
        this.update();
    }

    protected run(commandId: string): void {
        this.commands.executeCommand(commandId).catch(err => console.error(`Could not run ${commandId}`, err));
    }

    protected action(label: string, commandId: string): React.ReactNode {
        return <li><a href='#' role='button' onClick={e => { e.preventDefault(); this.run(commandId); }}>{label}</a></li>;
    }

    protected render(): React.ReactNode {
        return <div className='warren-welcome-page'>
            <h1>Warren</h1>
            <p className='warren-welcome-lead'>
                A browser IDE for Go. Your code, the Go toolchain, gopls and dlv run next to each other in this workspace;
                the browser tab is all you need.
            </p>
            <h2>Start with Go</h2>
            <ol>
                <li>Open <code>main.go</code> in the Explorer on the left.</li>
                <li>Open a terminal and run <code>go run .</code>, then <code>go test ./...</code>.</li>
                <li>The status bar shows the Go version in use; click it to see the paths of go, gopls and dlv.</li>
            </ol>
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
