import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Locator, Page } from 'playwright-core';
import { descendants, eventually, IdePage, startTestIde, TestIde } from '@warren/testing';

/** Go language intelligence from the real gopls, used in the browser as a person would. */
describe('Go editing with gopls in chromium', () => {
    let ide: TestIde;
    let ui: IdePage;
    let page: Page;
    let main: Locator;
    const file = (name: string): string => fs.readFileSync(path.join(ide.workspace, name), 'utf8');
    const lineOf = (name: string, start: string): number => file(name).split('\n').findIndex(l => l.includes(start)) + 1;
    // Monaco renders spaces as no-break spaces.
    const editorText = async (editor: Locator): Promise<string> => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');

    before(async () => {
        ide = await startTestIde();
        ui = await IdePage.open(ide);
        page = ui.page;
        main = await ui.openFile('main.go', 'package main');
        // gopls is ready when the status bar says so (its version, no state suffix).
        await page.locator('#theia-statusBar .element', { hasText: /gopls v[\d.]+$/ }).waitFor({ timeout: 60_000 });
    });

    after(async () => {
        await ui?.close('gopls-e2e');
        await ide?.dispose();
    });

    it('should hover with documentation', async () => {
        // The first answer can take a while: gopls type-checks the standard library into an empty cache.
        const hover = page.locator('.monaco-hover:visible');
        await eventually('a hover with documentation', async () => {
            await page.mouse.move(5, 5);
            await main.locator('.view-line', { hasText: 'func Greeting' }).first().locator('span', { hasText: /^Greeting$/ }).first().hover();
            await hover.getByText('Greeting returns the greeting for name.').waitFor({ timeout: 5_000 });
            return true;
        }, 90_000);
        assert.match(await hover.innerText(), /func Greeting\(name string\) string/);
        await page.mouse.move(5, 5);
    });

    it('should show a compile error as you type, and clear it when fixed', async () => {
        await ui.cursorAtEndOfLine('main.go', lineOf('main.go', 'fmt.Println(Greeting(""))'));
        await page.keyboard.press('Enter');
        await page.keyboard.type('undefinedThing()');
        await main.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
        // The error is in the Problems view too, opened from the status bar.
        await page.locator('#status-bar-problem-marker-status').click();
        await page.locator('#problems', { hasText: 'undefined: undefinedThing' }).waitFor({ timeout: 30_000 });
        await ui.cursorAtEndOfLine('main.go', lineOf('main.go', 'fmt.Println(Greeting(""))') + 1);
        for (let i = 0; i < 'undefinedThing()'.length; i++) {
            await page.keyboard.press('Backspace');
        }
        await main.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
    });

    it('should complete a symbol of a package not yet imported and add the import', async () => {
        await page.keyboard.type('_ = strings.ToUpp');
        await page.keyboard.press('Control+Space');
        // Accept the highlighted suggestion once it is ToUpper, as a person reading the list would.
        await page.locator('.suggest-widget .monaco-list-row.focused', { hasText: /^ToUpper(?!Special)/ }).waitFor({ timeout: 30_000 });
        await page.keyboard.press('Enter');
        let text = '';
        await eventually('the strings import', async () => {
            text = await editorText(main);
            return /"strings"/.test(text) && /strings\.ToUpper\(/.test(text) ? text : undefined;
        }).catch(err => { throw new Error(`${err.message}; the editor shows:\n${text}`); });
        // Give the call an argument so that the file compiles again: the cursor is still on its line. Inserted as
        // text, as a paste would be: typed, "strings." opens suggestions that "(" could accept, and "(" auto-closes.
        await page.keyboard.press('End');
        await page.keyboard.press('Shift+Home');
        await page.keyboard.insertText('_ = strings.ToUpper("x")');
        await eventually('the completed call', async () => (await editorText(main)).includes('strings.ToUpper("x")') || undefined);
    });

    it('should format the file on save', async () => {
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.type('var   spaced    =  1;  _ = spaced');
        await page.keyboard.press('Control+S');
        const saved = await eventually('main.go saved and formatted', async () => {
            const text = file('main.go');
            return text.includes('spaced = 1') ? text : undefined;
        });
        assert.doesNotMatch(saved, /var {2,}spaced/);
        assert.match(saved, /^\tvar spaced = 1\n\t_ = spaced$/m, 'gofmt splits the statements and indents with a tab');
        assert.match(saved, /import \(\n\t"fmt"\n\t"strings"\n\)/, 'the import block holds both imports');
    });

    it('should go to a definition in another file', async () => {
        const test = await ui.openFile('main_test.go', 'func TestGreeting');
        await test.locator('.view-line', { hasText: 'Greeting(name)' }).first().locator('span', { hasText: /^Greeting$/ }).first().click();
        await page.keyboard.press('F12');
        // main.go becomes the active editor, with the cursor on the declaration.
        const line = file('main.go').split('\n').findIndex(l => l.startsWith('func Greeting(')) + 1;
        assert.ok(line > 0);
        await page.locator('.lm-TabBar-tab.theia-mod-active', { hasText: 'main.go' }).waitFor({ timeout: 30_000 });
        await page.locator('#theia-statusBar .element', { hasText: new RegExp(`^Ln ${line}, Col \\d+$`) }).waitFor({ timeout: 10_000 });
    });

    it('should rename across files', async () => {
        await main.locator('.view-line', { hasText: 'func Greeting' }).first().locator('span', { hasText: /^Greeting$/ }).first().click();
        await page.keyboard.press('F2');
        const input = page.locator('.rename-box .rename-input');
        await input.waitFor({ timeout: 30_000 });
        await input.fill('Salutation');
        await input.press('Enter');
        await eventually('the rename in main.go', async () => (await editorText(main)).includes('func Salutation(') || undefined);
        await ui.runCommand('File: Save All');
        await eventually('both files renamed on disk', async () =>
            file('main.go').includes('func Salutation(') && file('main_test.go').includes('Salutation(name)') ? true : undefined);
        assert.doesNotMatch(file('main_test.go'), /:= Greeting\(/, 'the call was renamed; strings keep their text');
    });

    it('should restart gopls after a crash and record why', async () => {
        const goplsPid = (): number | undefined => descendants(ide.process.pid!).find(p => p.comm === 'gopls')?.pid;
        const first = await eventually('a gopls process', async () => goplsPid());
        process.kill(first, 'SIGKILL');
        const second = await eventually('a new gopls process', async () => {
            const pid = goplsPid();
            return pid && pid !== first ? pid : undefined;
        });
        assert.notEqual(second, first);
        const status = page.locator('#theia-statusBar .element', { hasText: /gopls v[\d.]+$/ });
        await status.waitFor({ timeout: 60_000 });
        // The user is told why, and the Go output has the same line.
        await page.locator('.theia-notification-list-item:visible', { hasText: 'gopls stopped unexpectedly (signal SIGKILL) and is being restarted (1 crash: signal SIGKILL)' })
            .first().waitFor({ timeout: 30_000 });
    });
});

describe('an IDE whose gopls is missing', () => {
    let ide: TestIde;
    let ui: IdePage;

    before(async () => {
        ide = await startTestIde('hello', { WARREN_GOPLS: '/nonexistent/gopls' });
        ui = await IdePage.open(ide);
    });

    after(async () => {
        await ui?.close();
        await ide?.dispose();
    });

    it('should say so and how to fix it, not leave a silent editor', async () => {
        await ui.openFile('main.go', 'package main');
        await ui.page.locator('#theia-statusBar .element', { hasText: /gopls.*failed/ }).waitFor({ timeout: 60_000 });
        const notification = ui.page.locator('.theia-notification-list-item:visible', { hasText: 'WARREN_GOPLS names /nonexistent/gopls' }).first();
        await notification.waitFor({ timeout: 30_000 });
        assert.match(await notification.innerText(), /Point it at a gopls binary, or clear it to use the pinned gopls/);
        await notification.getByText('Restart Language Server').waitFor();
    });
});

