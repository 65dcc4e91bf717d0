import { injectable } from '@theia/core/shared/inversify';
import { KeybindingContribution, KeybindingRegistry } from '@theia/core/lib/browser';

/**
 * Workbench shortcuts that VS Code keeps from the shell while a terminal has focus (its default
 * terminal.integrated.commandsToSkipShell), which Theia 1.74 passes to the shell as control characters:
 * Quick Open (Ctrl+P) and Go to Symbol in Workspace (Ctrl+O in the browser, where Ctrl+T opens a tab).
 * The Command Palette and the terminal's own toggle have shift or backtick bindings, which reach the
 * workbench already.
 */
export const TERMINAL_SKIPS_SHELL: ReadonlyArray<{ command: string; keybinding: string }> = [
    { command: 'file-search.openFile', keybinding: 'ctrlcmd+p' },
    { command: 'languages.workspace.symbol', keybinding: 'ctrlcmd+o' }
];

/** VS Code's keybindings for workbench commands where Theia 1.74 has none, or loses them in a terminal. */
@injectable()
export class WorkbenchKeybindings implements KeybindingContribution {
    registerKeybindings(keybindings: KeybindingRegistry): void {
        // Same key and context as Theia's passthrough bindings, registered after them: these come first.
        for (const binding of TERMINAL_SKIPS_SHELL) {
            keybindings.registerKeybinding({ ...binding, when: 'terminalFocus' });
        }
        // Problems: Theia's problem contribution overrides registerKeybindings without calling the view
        // contribution's, so its toggle key (ctrlcmd+shift+m) is never registered, and the View menu shows none.
        keybindings.registerKeybinding({ command: 'problemsView:toggle', keybinding: 'ctrlcmd+shift+m' });
    }
}
