import * as vscode from 'vscode';
import { toolPath } from '@warren/go-toolchain';
import { toolsEnv } from '../gopls/go-env';
import { FailedDebugAdapter, GoDebugAdapter } from './go-debug-adapter';
import { GoDebugSession } from './go-debug-session';
import { checkConfiguration, GoDebugConfiguration } from './launch-config';
import { pickProcess } from './pick-process';

/** What F5 debugs when there is no launch.json: the package of the Go file in the editor. */
export const DEFAULT_CONFIGURATION: vscode.DebugConfiguration = {
    type: 'go', request: 'launch', name: 'Debug package', mode: 'debug', program: '${fileDirname}'
};

export function registerDebug(ctx: vscode.ExtensionContext): void {
    let trace: vscode.OutputChannel | undefined;
    const traceChannel = (): vscode.OutputChannel => (trace ??= vscode.window.createOutputChannel('Go Debug (DAP trace)'));
    ctx.subscriptions.push(
        { dispose: () => trace?.dispose() },
        vscode.commands.registerCommand('go.debug.pickProcess', pickProcess),
        vscode.debug.registerDebugConfigurationProvider('go', {
            provideDebugConfigurations: () => [DEFAULT_CONFIGURATION],
            resolveDebugConfiguration: (_folder, config) => {
                if (!config.type && !config.request && !config.name) {
                    if (vscode.window.activeTextEditor?.document.languageId !== 'go') {
                        void vscode.window.showErrorMessage('Open a Go file to debug its package, or add a launch configuration (Run > Add Configuration).');
                        return undefined;
                    }
                    return { ...DEFAULT_CONFIGURATION };
                }
                return config;
            },
            resolveDebugConfigurationWithSubstitutedVariables: (_folder, config) => {
                const problems = checkConfiguration(config as GoDebugConfiguration);
                if (problems.length) {
                    void vscode.window.showErrorMessage(`Cannot start "${config.name}": ${problems.join(' ')}`);
                    return undefined;
                }
                return config;
            }
        }),
        vscode.debug.registerDebugAdapterDescriptorFactory('go', {
            createDebugAdapterDescriptor: async session => {
                const settings = vscode.workspace.getConfiguration('go');
                const adapter = new GoDebugAdapter();
                const tracing = settings.get<boolean>('debug.trace', false);
                try {
                    const goSession = await GoDebugSession.start({
                        configuration: session.configuration as GoDebugConfiguration,
                        dlvPath: settings.get<string>('debug.dlvPath', '') || toolPath('dlv').path,
                        env: { ...process.env, ...toolsEnv(settings.get('toolsEnvVars')).env },
                        toIde: message => adapter.deliver(message),
                        trace: tracing ? (direction, message) => traceChannel().appendLine(`${direction} ${JSON.stringify(message)}`) : undefined
                    });
                    adapter.attach(goSession);
                    return new vscode.DebugAdapterInlineImplementation(adapter);
                } catch (err) {
                    // dlv did not start, or is not there to attach to: the session says why (FailedDebugAdapter).
                    adapter.dispose();
                    return new vscode.DebugAdapterInlineImplementation(new FailedDebugAdapter((err as Error).message));
                }
            }
        })
    );
}
