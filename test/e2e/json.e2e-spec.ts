import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Locator, Page } from 'playwright-core';
import { eventually, IdePage, startTestIde, TestIde } from '@warren/testing';

const SETTINGS = `{
  // Warren reads the .vscode folder first.
  "go.languageServer.maxRestarts": 500,
  "gopls": {
    "ui.semanticTokens": "yes"
  }
}
`;

/**
 * JSON files are edited as JSON (plugins/json): the configuration files as JSON with Comments,
 * with completion, hover and validation from the IDE's schemas (launch.json with the go debug
 * type's attributes, settings.json with gopls and go.*), and plain JSON refusing comments.
 */
describe('JSON files in the IDE', () => {
    let ide: TestIde;
    let ui: IdePage;
    let page: Page;

    before(async () => {
        ide = await startTestIde();
        fs.writeFileSync(path.join(ide.workspace, '.vscode', 'settings.json'), SETTINGS);
        fs.writeFileSync(path.join(ide.workspace, 'data.json'), '{\n  // no comments in JSON\n  "a": 1\n}\n');
        ui = await IdePage.open(ide);
        page = ui.page;
    });

    after(async () => {
        await ui?.close('json-e2e');
        await ide?.dispose();
    });

    const statusBar = (text: string): Locator => page.locator('#theia-statusBar .element', { hasText: text }).first();
    const problems = (): Locator => page.locator('#problems');
    const openProblems = async (): Promise<void> => {
        if (!await problems().isVisible()) {
            await page.keyboard.press('Control+Shift+M');
        }
        await problems().waitFor({ timeout: 10_000 });
    };
    const openInVscodeFolder = async (name: string, expectText: string): Promise<void> => {
        const folder = page.locator('#files .theia-TreeNode', { hasText: /^\.vscode$/ });
        await folder.waitFor({ timeout: 30_000 });
        if (!await page.locator('#files .theia-TreeNode', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }).isVisible()) {
            await folder.click();
        }
        await ui.openFile(name, expectText);
    };

    it('should open launch.json as JSON with Comments and complete the go debug type\'s attributes', async () => {
        await openInVscodeFolder('launch.json', 'configurations');
        await statusBar('JSON with Comments').waitFor({ timeout: 30_000 });
        await ui.cursorAtEndOfLine('launch.json', 10);
        await page.keyboard.type(',');
        await page.keyboard.press('Enter');
        await page.keyboard.type('"stopOnE');
        const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'stopOnEntry' }).first();
        await suggestion.waitFor({ timeout: 30_000 });
        await page.keyboard.press('Enter');
        await page.locator('.theia-editor:visible .view-line', { hasText: '"stopOnEntry":' }).waitFor({ timeout: 10_000 });
    });

    it('should say when a launch.json value has the wrong type', async () => {
        // The completed property's value: replace whatever the snippet put there with a string.
        await page.keyboard.press('End');
        await page.keyboard.press('Shift+Home');
        await page.keyboard.type('"stopOnEntry": "yes"');
        await openProblems();
        await problems().getByText('Incorrect type. Expected "boolean".').first().waitFor({ timeout: 30_000 });
    });

    it('should hover a launch.json attribute with its description', async () => {
        const text = await ui.hoverText('"mode"', '"mode"', /build and debug a package or file/, 30_000);
        assert.match(text, /test: a test package/);
    });

    it('should check settings.json against the gopls and go.* settings, comments allowed', async () => {
        await openInVscodeFolder('settings.json', 'gopls');
        await statusBar('JSON with Comments').waitFor({ timeout: 30_000 });
        await openProblems();
        await problems().getByText('Value is above the maximum of 100.').first().waitFor({ timeout: 30_000 });
        await problems().getByText('Incorrect type. Expected "boolean".').nth(1).waitFor({ timeout: 30_000 });
        assert.equal(await problems().getByText(/Comments are not permitted/).count(), 0, 'JSONC allows comments');
    });

    it('should complete gopls settings inside "gopls"', async () => {
        await ui.cursorAtEndOfLine('settings.json', 5);
        await page.keyboard.type(',');
        await page.keyboard.press('Enter');
        await page.keyboard.type('"formatting.g');
        await page.locator('.suggest-widget .monaco-list-row', { hasText: 'formatting.gofumpt' }).first().waitFor({ timeout: 30_000 });
        await page.keyboard.press('Escape');
    });

    it('should refuse comments in a plain JSON file, and leave go.mod its own language', async () => {
        await ui.openFile('data.json', '"a"');
        await statusBar('JSON').waitFor({ timeout: 30_000 });
        await openProblems();
        await problems().getByText('Comments are not permitted in JSON.').first().waitFor({ timeout: 30_000 });
        await ui.openFile('go.mod', 'module');
        await statusBar('Go Module File').waitFor({ timeout: 30_000 });
    });
});

describe('Open Configurations in a workspace with no launch.json', () => {
    let ide: TestIde;
    let ui: IdePage;

    before(async () => {
        ide = await startTestIde();
        fs.rmSync(path.join(ide.workspace, '.vscode'), { recursive: true });
        ui = await IdePage.open(ide);
    });

    after(async () => {
        await ui?.close('json-open-configurations');
        await ide?.dispose();
    });

    it('should create launch.json in .vscode, as VS Code does, not in .theia', async () => {
        await ui.page.locator('#files .theia-TreeNode', { hasText: 'main.go' }).first().waitFor({ timeout: 30_000 });
        // From the Run menu, as in VS Code.
        await ui.page.locator('.lm-MenuBar-item', { hasText: 'Run' }).click();
        await ui.page.locator('.lm-Menu-item', { hasText: 'Open Configurations' }).first().click();
        const file = path.join(ide.workspace, '.vscode', 'launch.json');
        await eventually('.vscode/launch.json on disk', () => fs.existsSync(file) || undefined, 30_000);
        assert.match(fs.readFileSync(file, 'utf8'), /"configurations"/);
        assert.equal(fs.existsSync(path.join(ide.workspace, '.theia')), false, 'nothing in .theia');
        await ui.page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: 'launch.json' }).first().waitFor({ timeout: 30_000 });
    });
});
