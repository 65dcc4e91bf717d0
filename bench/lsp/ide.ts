/**
 * (b) The same requests through the IDE: Warren's backend with the Go plugin (which starts gopls), driven in Chromium
 * with the keyboard as a person would. What is timed is described in page-probe.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Locator, Page } from 'playwright-core';
import { Cleanup, Log } from '../support/harness';
import { IdeSetup, PAGE_TIMEOUT_MS, waitGoplsReady, withIdePage } from '../support/ide-session';
import { MAIN_FILE, ModuleInfo, ModuleTargets, Target } from './generate-module';
import { Kind } from './requests';
import { Expectation, timeInPage, waitHidden } from './page-probe';
import { Driver, sampleRounds, Sampled, SamplingOptions } from './sampling';
import { makeSandbox } from './sandbox';

const UI_TIMEOUT_MS = 10_000;
const QUICK_INPUT_TRY_MS = 2_000;
/** While gopls loads the module, a hover is retried with this timeout. */
const LOAD_TRY_TIMEOUT_MS = 20_000;
const MAIN_NAME = 'main.go';

export interface IdeResult extends Sampled {
    /** main.go's editor shown → the first hover that showed the documentation (gopls has loaded the packages). */
    loadMs: number;
}

interface Trigger extends Expectation {
    /** The keys to press, in Playwright's notation; the last one is `key`. */
    keys: string[];
    /** Whether the answer stays on screen until Escape (hover, suggestions); a definition just moves the cursor. */
    dismiss: boolean;
}

/** How each request is sent and how its answer shows. */
function triggers(targets: ModuleTargets): Record<Kind, Trigger> {
    return {
        // Monaco's "Show Hover" (Ctrl+K Ctrl+I): the hover shows at the cursor without the mouse hover delay.
        hover: {
            keys: ['Control+K', 'Control+I'], key: 'i', ctrl: true, dismiss: true,
            selector: '.monaco-hover', text: targets.hover.hoverText, exact: false
        },
        // Go to Definition (F12) in the same file: the answer is on screen when the gutter marks the target line as
        // the cursor's. Not the status bar's "Ln N": Theia renders the status bar 50 ms after a change (debounced).
        definition: {
            keys: ['F12'], key: 'F12', ctrl: false, dismiss: false,
            selector: '.theia-editor .monaco-editor .line-numbers.active-line-number', text: String(targets.definition.targetLine + 1), exact: true
        },
        // Trigger Suggest (Ctrl+Space) inside the identifier: a row of the suggest widget shows the expected label.
        completion: {
            keys: ['Control+Space'], key: ' ', ctrl: true, dismiss: true,
            selector: '.suggest-widget .monaco-list-row', text: targets.completion.label, exact: false
        }
    };
}

/**
 * Presses key until the quick input (Quick Open, Go to Line) shows, and returns its input box. Right after the
 * workbench appears a key may come before Theia has registered its keybindings, so it is pressed again.
 */
async function openQuickInput(page: Page, key: string): Promise<Locator> {
    const input = page.locator('.quick-input-widget input');
    const deadline = performance.now() + UI_TIMEOUT_MS * 3;
    for (;;) {
        await page.keyboard.press(key);
        try {
            await input.waitFor({ timeout: QUICK_INPUT_TRY_MS });
            return input;
        } catch (err) {
            if (performance.now() > deadline) {
                throw new Error(`${key} did not open the quick input: ${(err as Error).message.split('\n')[0]}`);
            }
        }
    }
}

/**
 * The column Go to Line and the status bar speak of: the visible column, where a tab reaches the next tab stop, not
 * the character offset of LSP. 1-based.
 */
function visibleColumn(lineText: string, character: number, tabSize: number): number {
    let column = 0;
    for (const ch of lineText.slice(0, character)) {
        column = ch === '\t' ? column + tabSize - (column % tabSize) : column + 1;
    }
    return column + 1;
}

/** The editor's tab size from the status bar ("Tab Size: 4"; "Spaces: 4" when it indents with spaces). */
async function tabSize(page: Page): Promise<number> {
    const item = page.locator('#theia-statusBar .element', { hasText: /^(Tab Size|Spaces): \d+$/ }).first();
    await item.waitFor({ timeout: UI_TIMEOUT_MS });
    return Number(/\d+/.exec(await item.innerText())![0]);
}

/** Puts the cursor on target with Go to Line (Ctrl+G, ":line:column"), and waits for the status bar to say so. */
async function moveCursor(page: Page, target: Target, lines: string[], tabs: number): Promise<void> {
    const line = target.line + 1;
    const column = visibleColumn(lines[target.line], target.character, tabs);
    const input = await openQuickInput(page, 'Control+G');
    await input.fill(`:${line}:${column}`);
    await input.press('Enter');
    await page.locator('#theia-statusBar .element', { hasText: new RegExp(`^Ln ${line}, Col ${column}$`) }).waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Opens cmd/app/main.go with Quick Open (Ctrl+P) and focuses its editor. */
async function openMain(page: Page): Promise<void> {
    // The explorer lists the module: the workspace is open and its files can be searched.
    await page.locator('#files .theia-TreeNode', { hasText: /^cmd$/ }).waitFor({ timeout: PAGE_TIMEOUT_MS });
    const input = await openQuickInput(page, 'Control+P');
    await input.fill(MAIN_NAME);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: MAIN_NAME }).first().waitFor({ timeout: UI_TIMEOUT_MS * 3 });
    await input.press('Enter');
    await editorLines(page).locator('.view-line', { hasText: 'package main' }).first().waitFor({ timeout: UI_TIMEOUT_MS * 3 });
}

function editorLines(page: Page): Locator {
    return page.locator('.theia-editor:visible .monaco-editor .view-lines').first();
}

class IdeDriver implements Driver {
    private readonly triggers: Record<Kind, Trigger>;

    /** lines: main.go's text; tabs: the editor's tab size. */
    constructor(private readonly page: Page, private readonly targets: ModuleTargets, private readonly lines: string[], private readonly tabs: number) {
        this.triggers = triggers(targets);
    }

    async prepare(kind: Kind): Promise<void> {
        await moveCursor(this.page, this.targets[kind], this.lines, this.tabs);
    }

    async measure(kind: Kind, timeoutMs: number): Promise<number> {
        const trigger = this.triggers[kind];
        const ms = await timeInPage(this.page, trigger, trigger.keys, timeoutMs);
        if (trigger.dismiss) {
            await this.page.keyboard.press('Escape');
            await waitHidden(this.page, trigger, UI_TIMEOUT_MS);
        }
        return ms;
    }

    /** Closes whatever is open (hover, suggestions, quick input) and gives the editor the focus back. */
    async recover(): Promise<void> {
        await this.page.keyboard.press('Escape').catch(() => undefined);
        await this.page.keyboard.press('Escape').catch(() => undefined);
        await editorLines(this.page).click({ position: { x: 5, y: 5 }, timeout: UI_TIMEOUT_MS }).catch(() => undefined);
    }

    /** Hovers until the hover shows the documentation: gopls has loaded the module. Returns how long that took. */
    async waitUntilLoaded(timeoutMs: number, log: Log): Promise<number> {
        const start = performance.now();
        for (;;) {
            try {
                await this.prepare('hover');
                await this.measure('hover', LOAD_TRY_TIMEOUT_MS);
                return performance.now() - start;
            } catch (err) {
                if (performance.now() - start > timeoutMs) {
                    throw new Error(`The IDE did not show the hover within ${timeoutMs / 1000} s: ${(err as Error).message}`);
                }
                log(`ide: not loaded yet (${(err as Error).message.slice(0, 120)})`);
                await this.recover();
            }
        }
    }
}

export async function measureIde(medium: ModuleInfo, options: SamplingOptions & { loadTimeoutMs: number }, log: Log): Promise<IdeResult> {
    const setup = (cleanup: Cleanup): IdeSetup => makeSandbox(medium.dir, 'ide', cleanup);
    return withIdePage(setup, log, async page => {
        await openMain(page);
        const opened = performance.now();
        await waitGoplsReady(page);
        const lines = fs.readFileSync(path.join(medium.dir, MAIN_FILE), 'utf8').split('\n');
        const driver = new IdeDriver(page, medium.targets, lines, await tabSize(page));
        await driver.waitUntilLoaded(options.loadTimeoutMs, log);
        const loadMs = performance.now() - opened;
        log(`ide: gopls ready and the module loaded ${Math.round(loadMs)} ms after main.go opened`);
        const sampled = await sampleRounds('ide', driver, options, log);
        return { ...sampled, loadMs: Math.round(loadMs) };
    });
}
