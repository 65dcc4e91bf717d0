import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Page } from 'playwright-core';
import { eventually, IdePage, REPO, startTestIde, TestIde } from '@warren/testing';

const GO_VERSION = execFileSync('go', ['env', 'GOVERSION']).toString().trim().replace(/^go/, '');

describe('the Warren IDE in chromium, used as a person would', () => {
    let ide: TestIde;
    let ui: IdePage;
    let page: Page;

    before(async () => {
        ide = await startTestIde();
        ui = await IdePage.open(ide);
        page = ui.page;
    });

    after(async () => {
        await ui?.close('ide-e2e');
        await ide?.dispose();
    });

    it('should show the sample module in the explorer', async () => {
        const explorer = page.locator('#files');
        for (const name of ['go.mod', 'main.go', 'main_test.go']) {
            await explorer.locator('.theia-TreeNode', { hasText: name }).first().waitFor({ timeout: 30_000 });
        }
    });

    it('should say on the welcome page what the workspace holds, and run its test from there', async () => {
        await page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: 'Welcome to Warren' }).click();
        const workspace = page.locator('.warren-welcome-page .warren-welcome-workspace');
        await workspace.waitFor({ timeout: 30_000 });
        assert.match(await workspace.innerText(), /Module example\.com\/hello/);
        const program = workspace.locator('[data-program="."]');
        assert.match(await program.innerText(), /example\.com\/hello Run · Debug/);
        const test = workspace.locator('[data-test="TestGreeting"]');
        assert.match(await test.innerText(), /TestGreeting in main_test\.go Run test · Debug test/);
        await test.getByRole('button', { name: 'Run test' }).click();
        const terminal = page.locator('.terminal-container .xterm').last();
        await terminal.waitFor({ timeout: 30_000 });
        const text = await eventually('the test run in the terminal', async () => {
            const copied = await ui.terminalText(terminal);
            return /^ok\s+example\.com\/hello/m.test(copied) ? copied : undefined;
        }, 60_000);
        assert.match(text, /go test -run '\^TestGreeting\$' \./);
    });

    it('should open main.go in an editor with Go highlighting', async () => {
        await page.locator('#files .theia-TreeNode', { hasText: /^main\.go$/ }).dblclick();
        const editor = page.locator('.theia-editor .monaco-editor').first();
        await editor.locator('.view-line', { hasText: 'package main' }).waitFor({ timeout: 30_000 });
        // The language indicator in the status bar names the language of the open editor.
        await page.locator('#theia-statusBar .element', { hasText: /^Go$/ }).waitFor({ timeout: 30_000 });
        // With the Go grammar, `package` (a keyword) and `main` (a name) get different token colours;
        // as Plain Text the whole line would be one token.
        const colours = await eventually('Go tokens on the package line', async () => {
            const spans = editor.locator('.view-line', { hasText: 'package main' }).locator('span > span');
            const tokens = await spans.evaluateAll(els => els.map(el => ({ text: el.textContent ?? '', colour: getComputedStyle(el).color })));
            const keyword = tokens.find(t => t.text.trim() === 'package');
            const name = tokens.find(t => t.text.trim() === 'main');
            return keyword && name && keyword.colour !== name.colour ? { keyword: keyword.colour, name: name.colour } : undefined;
        });
        assert.notEqual(colours.keyword, colours.name);
    });

    it('should show the Go version in the status bar', async () => {
        const item = page.locator('#theia-statusBar .element', { hasText: /Go \d+\.\d+/ });
        await item.waitFor({ timeout: 30_000 });
        assert.equal((await item.innerText()).trim(), `Go ${GO_VERSION}`);
        // Clicking it shows the toolchain in use: go, gopls and dlv with their paths and versions.
        await item.click();
        const dialog = page.locator('.dialogBlock', { hasText: 'Go toolchain' });
        await dialog.waitFor({ timeout: 30_000 });
        const rows = await dialog.locator('tr').allInnerTexts();
        const pins = JSON.parse(fs.readFileSync(path.join(REPO, 'packages/go-toolchain/src/toolchain.json'), 'utf8'));
        assert.match(rows.find(r => r.startsWith('go\t')) ?? '', new RegExp(`^go\t${GO_VERSION}\t/`));
        assert.match(rows.find(r => r.startsWith('gopls\t')) ?? '', new RegExp(`^gopls\t${pins.tools.gopls.version}\t/.*gopls`));
        assert.match(rows.find(r => r.startsWith('dlv\t')) ?? '', new RegExp(`^dlv\t${pins.tools.dlv.version}\t/.*dlv`));
        await dialog.getByRole('button', { name: 'Close' }).click();
        await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    });

    it('should run go version in a terminal', async () => {
        const terminal = await ui.newTerminal();
        await page.keyboard.type('go version\n');
        const text = await eventually('go version output in the terminal', async () => {
            const copied = await ui.terminalText(terminal);
            return copied.includes(`go version go${GO_VERSION}`) ? copied : undefined;
        });
        assert.match(text, new RegExp(`go version go${GO_VERSION.replace(/\./g, '\\.')} linux/`));
    });

    it('should open Quick Open, Go to Symbol in Workspace and Problems with VS Code\'s keys while the terminal has focus', async () => {
        const terminal = page.locator('.terminal-container .xterm').last();
        const input = page.locator('.quick-input-widget input');
        // Quick Open lists files (no prefix); Go to Symbol in Workspace starts with "#".
        for (const [key, prefix] of [['Control+P', ''], ['Control+O', '#']]) {
            await terminal.click();
            await page.keyboard.press(key);
            await input.waitFor({ state: 'visible', timeout: 10_000 });
            assert.equal(await input.inputValue(), prefix, key);
            await page.keyboard.press('Escape');
            await input.waitFor({ state: 'hidden', timeout: 10_000 });
        }
        await terminal.click();
        await page.keyboard.press('Control+Shift+M');
        await page.locator('#problems').waitFor({ state: 'visible', timeout: 10_000 });
        // The View menu names the shortcut.
        await page.locator('.lm-MenuBar-item', { hasText: 'View' }).click();
        const problems = page.locator('.lm-Menu-item', { hasText: /^Problems/ }).first();
        assert.equal((await problems.locator('.lm-Menu-itemShortcut').innerText()).trim(), 'Ctrl+Shift+M');
        await page.keyboard.press('Escape');
    });

    it('should delete a folder from the explorer after one confirmation, with no trash on the server', async () => {
        const folder = path.join(ide.workspace, 'scratch');
        fs.mkdirSync(folder);
        fs.writeFileSync(path.join(folder, 'notes.txt'), 'to be deleted\n');
        const node = page.locator('#files .theia-TreeNode', { hasText: /^scratch$/ });
        await node.waitFor({ timeout: 30_000 });
        await node.click({ button: 'right' });
        await page.locator('.lm-Menu-item').filter({ has: page.locator('.lm-Menu-itemLabel', { hasText: /^Delete$/ }) }).click();
        const dialog = page.locator('.dialogBlock');
        await dialog.waitFor({ timeout: 10_000 });
        assert.match(await dialog.innerText(), /Do you really want to delete scratch\?/);
        assert.doesNotMatch(await dialog.innerText(), /Trash/);
        await dialog.getByRole('button', { name: 'OK' }).click();
        await eventually('the folder deleted', async () => (fs.existsSync(folder) ? undefined : true), 15_000);
        await node.waitFor({ state: 'detached', timeout: 15_000 });
        assert.equal(await page.locator('.theia-notification-message', { hasText: /Trash/ }).count(), 0, 'no trash error');
    });

    it('should run "Go: Show Environment" and show go env', async () => {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 10_000 });
        await input.fill('>Go: Show Environment');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Go: Show Environment' }).first().click();
        const output = page.locator('#outputView .view-lines');
        await output.getByText('GOROOT=', { exact: false }).first().waitFor({ timeout: 30_000 });
        assert.match(await output.innerText(), new RegExp(`GOVERSION='go${GO_VERSION.replace(/\./g, '\\.')}'`));
    });
});
