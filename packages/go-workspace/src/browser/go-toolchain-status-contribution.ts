import { Command, CommandContribution, CommandRegistry } from '@theia/core/lib/common';
import { ConfirmDialog, FrontendApplicationContribution, StatusBar, StatusBarAlignment } from '@theia/core/lib/browser';
import { inject, injectable } from '@theia/core/shared/inversify';
import { GoToolchainService, GoToolchainStatus } from '../common/go-toolchain-protocol';

export const SHOW_GO_TOOLCHAIN: Command = { id: 'warren.go.showToolchain', category: 'Go', label: 'Show Toolchain' };

const STATUS_ID = 'warren-go-toolchain';

/** A status bar item with the workspace's Go version; clicking it shows the paths and versions of go, gopls and dlv. */
@injectable()
export class GoToolchainStatusContribution implements FrontendApplicationContribution, CommandContribution {

    @inject(GoToolchainService) protected readonly service: GoToolchainService;
    @inject(StatusBar) protected readonly statusBar: StatusBar;

    protected status: GoToolchainStatus | undefined;

    onStart(): void {
        // Not awaited: the shell must not wait for `go env` to answer.
        this.refresh().catch(err => console.error('Could not read the Go toolchain', err));
    }

    registerCommands(registry: CommandRegistry): void {
        registry.registerCommand(SHOW_GO_TOOLCHAIN, { execute: () => this.showToolchain() });
    }

    protected async refresh(): Promise<void> {
        this.status = await this.service.getToolchain();
        const go = this.status.tools.find(t => t.name === 'go');
        await this.statusBar.setElement(STATUS_ID, {
            text: go ? `$(codicon-symbol-namespace) Go ${go.version}` : '$(codicon-warning) Go not found',
            tooltip: go ? 'The Go toolchain of this workspace: click for go, gopls and dlv' : this.status.error,
            alignment: StatusBarAlignment.LEFT,
            priority: 50,
            command: SHOW_GO_TOOLCHAIN.id
        });
    }

    protected async showToolchain(): Promise<void> {
        await this.refresh();
        const status = this.status!;
        const msg = document.createElement('div');
        msg.className = 'warren-go-toolchain';
        if (status.error) {
            const p = document.createElement('p');
            p.textContent = status.error;
            msg.appendChild(p);
        }
        const table = document.createElement('table');
        for (const tool of status.tools) {
            const row = table.insertRow();
            for (const text of [tool.name, tool.version ?? 'missing', tool.path, `(${tool.source})`]) {
                row.insertCell().textContent = text;
            }
        }
        msg.appendChild(table);
        await new ConfirmDialog({ title: 'Go toolchain', msg, ok: 'Close' }).open();
    }
}
