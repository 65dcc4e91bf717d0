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
