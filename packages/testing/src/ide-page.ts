import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { eventually } from './eventually';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, TestIde } from './test-ide';

/** A browser tab on a test IDE, with the few moves every e2e test makes. */
export class IdePage {
    constructor(readonly browser: Browser, readonly context: BrowserContext, readonly page: Page) { }

    static async open(ide: TestIde): Promise<IdePage> {
        const browser = await launchChromium();
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ide.url).origin });
        const page = await context.newPage();
        await page.goto(ide.url);
        await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
        return new IdePage(browser, context, page);
    }

    /** Double-clicks a file in the explorer and waits for its editor to show text. */
    async openFile(name: string, expectText: string): Promise<Locator> {
        const files = this.page.locator('#files');
        // On a first start the explorer opens a moment after the shell; later another view (Debug,
        // Search) may hold the side bar: then bring the explorer back from the activity bar. Its icon
        // toggles, so a click that crossed the explorer opening by itself (a slow machine) hid it: look again.
        const shown = (ms: number): Promise<boolean> => files.waitFor({ timeout: ms }).then(() => true, () => false);
        if (!await shown(5_000)) {
            await eventually('the explorer shown', async () => {
                if (!await files.isVisible()) {
                    await this.page.locator('#shell-tab-explorer-view-container').click();
                }
                return await shown(3_000) || undefined;
            }, 30_000);
        }
        await this.page.locator('#files .theia-TreeNode', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }).dblclick();
        const editor = this.page.locator('.theia-editor:visible .monaco-editor').first();
        await editor.locator('.view-line', { hasText: expectText }).first().waitFor({ timeout: 30_000 });
        return editor;
    }

    /**
     * Puts the cursor at the end of a line (1-based) of an open file with "Go to Line" (Ctrl+G), as a person who knows
     * the line would; clicking a line races with the editor re-rendering it as decorations arrive.
     */
    async cursorAtEndOfLine(fileName: string, line: number): Promise<void> {
        // Clicking the editor's tab activates and focuses it without touching its text.
        await this.page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: fileName }).first().click();
        await this.page.keyboard.press('Control+G');
        const input = this.page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 10_000 });
        await input.fill(`:${line}`);
        await input.press('Enter');
        await this.page.keyboard.press('End');
        await this.page.locator('#theia-statusBar .element', { hasText: new RegExp(`^Ln ${line}, Col \\d+$`) }).waitFor({ timeout: 10_000 });
    }

    /** Types `text` on a new line after `line` (1-based) of an open file, saves with Ctrl+S and waits for its tab to be clean. */
    async addLineAndSave(fileName: string, line: number, text: string): Promise<void> {
        await this.page.mouse.move(5, 5);
        await this.cursorAtEndOfLine(fileName, line);
        await this.page.keyboard.press('Enter');
        await this.page.keyboard.type(text);
        await this.page.keyboard.press('Control+S');
        await this.page.locator('#theia-main-content-panel .lm-TabBar-tab.theia-mod-dirty', { hasText: fileName }).waitFor({ state: 'detached', timeout: 15_000 });
    }

    /**
     * Hovers `word` on the first line showing `lineText` of the active editor until a hover shows
     * `expect`, as a person moves the mouse again when nothing came; resolves with the hover's text.
     */
    async hoverText(lineText: string, word: string, expect: string | RegExp, timeout = 60_000): Promise<string> {
        const hover = this.page.locator('.monaco-hover:visible');
        const editor = this.page.locator('.theia-editor:visible .monaco-editor').first();
        return eventually(`a hover on ${word} showing ${expect}`, async () => {
            await this.page.mouse.move(5, 5);
            await editor.locator('.view-line', { hasText: lineText }).first().locator('span', { hasText: new RegExp(`^${word}$`) }).first().hover({ timeout: 5_000 });
            return hover.getByText(expect).first().waitFor({ timeout: 5_000 }).then(() => hover.innerText(), () => undefined);
        }, timeout);
    }

    /**
     * Opens a terminal from the menu, as a person would, and focuses it once its shell shows a prompt:
     * the new one, whatever other terminals there are. Keys typed before the shell is attached are lost.
     */
    async newTerminal(): Promise<Locator> {
        const terminals = this.page.locator('.terminal-container .xterm');
        const before = await terminals.count();
        await this.page.locator('.lm-MenuBar-item', { hasText: 'Terminal' }).click();
        await this.page.locator('.lm-Menu-item', { hasText: 'New Terminal' }).first().click();
        const terminal = terminals.nth(before);
        await terminal.waitFor({ timeout: 30_000 });
        await eventually('the shell\'s prompt in the new terminal', async () => (await this.terminalText(terminal)).trim() || undefined, 60_000);
        return terminal;
    }

    /**
     * What a terminal shows, read the way a person copies it (select all, copy): xterm draws on a
     * canvas. Needs the clipboard permissions IdePage.open grants.
     */
    async terminalText(terminal: Locator): Promise<string> {
        await terminal.click();
        await this.page.keyboard.press('Control+A');
        await this.page.keyboard.press('Control+C');
        return this.page.evaluate(() => navigator.clipboard.readText());
    }

    /** Runs a command by its label through the command palette (F1). */
    async runCommand(label: string): Promise<void> {
        const input = this.page.locator('.quick-input-widget input');
        // A workbench that has just started may not have taken the keyboard yet: press again until the palette shows.
        await eventually('the command palette', async () => {
            await this.page.keyboard.press('F1');
            return input.waitFor({ timeout: 3_000 }).then(() => true, () => undefined);
        }, 30_000);
        await input.fill(`>${label}`);
        await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
    }

    /** Closes the browser, after a screenshot in test-results/<name>.png when a name is given (what the page showed last). */
    async close(screenshot?: string): Promise<void> {
        if (screenshot) {
            fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
            await this.page.screenshot({ path: path.join(REPO, 'test-results', `${screenshot}.png`) }).catch(() => undefined);
        }
        await this.browser.close();
    }
}
