import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, Locator, Page } from 'playwright-core';
import { IdePage, launchChromium, REPO, startWarrenServe, WarrenServe } from '@warren/testing';

const EDIT = '// typed, never saved by hand';

/**
 * Every stop saves first. An edit left unsaved in an open IDE tab is on disk after a Stop from the
 * dashboard (another tab); an untitled editor, which has nowhere to be saved, holds the stop back
 * with the reason on the dashboard until "Stop anyway".
 */
describe('a stop from the dashboard saves the open editors first', () => {
    let warren: WarrenServe;
    let browser: Browser;
    let dashboard: Page;
    let idePage: Page;

    before(async () => {
        warren = await startWarrenServe(['--no-idle-stop']);
        browser = await launchChromium();
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        dashboard = await context.newPage();
        await dashboard.goto(warren.loginUrl);
        await dashboard.getByLabel('Name').fill('Hello');
        await dashboard.getByLabel('Class').selectOption('small');
        await dashboard.getByRole('button', { name: 'Create workspace' }).click();
        await waitForPhase('running');
    });

    after(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        await dashboard?.screenshot({ path: path.join(REPO, 'test-results', 'stop-saves-dashboard.png') }).catch(() => undefined);
        await idePage?.screenshot({ path: path.join(REPO, 'test-results', 'stop-saves-ide.png') }).catch(() => undefined);
        await browser?.close();
        await warren?.stop();
    });

    const row = (): Locator => dashboard.locator('[data-workspace="hello"]');
    function waitForPhase(phase: string): Promise<void> {
        return row().locator(`[data-phase="${phase}"]`).waitFor({ timeout: 90_000 });
    }
    const openIde = async (): Promise<IdePage> => {
        idePage = await dashboard.context().newPage();
        await idePage.goto(`${warren.gateway}/open/hello`);
        await idePage.waitForURL(/^http:\/\/hello--default\.localhost:\d+\/$/, { timeout: 90_000 });
        await idePage.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
        return new IdePage(browser, idePage.context(), idePage);
    };

    it('should save an unsaved edit to disk when the workspace is stopped from the dashboard', async () => {
        const ide = await openIde();
        await ide.openFile('main.go', 'package main');
        await ide.cursorAtEndOfLine('main.go', 16);
        await idePage.keyboard.press('Enter');
        await idePage.keyboard.type(EDIT);
        // The tab shows the editor dirty, and nothing is on disk yet.
        await idePage.locator('#theia-main-content-panel .lm-TabBar-tab.theia-mod-dirty', { hasText: 'main.go' }).waitFor({ timeout: 10_000 });
        const file = path.join(warren.files('default', 'hello'), 'main.go');
        assert.doesNotMatch(fs.readFileSync(file, 'utf8'), new RegExp(EDIT));
        await dashboard.bringToFront();
        await row().getByRole('button', { name: 'Stop', exact: true }).click();
        await waitForPhase('stopped');
        assert.match(fs.readFileSync(file, 'utf8'), new RegExp(EDIT), 'the stop saved the editor first');
        await idePage.close();
    });

    it('should hold a stop back while an untitled editor cannot be saved, say why, and stop when forced', async () => {
        await row().getByRole('button', { name: 'Start', exact: true }).click();
        await waitForPhase('running');
        await openIde();
        await idePage.locator('.lm-MenuBar-item', { hasText: 'File' }).click();
        await idePage.locator('.lm-Menu-item', { hasText: /^New Text File/ }).first().click();
        await idePage.locator('.theia-editor:visible .monaco-editor').first().waitFor({ timeout: 10_000 });
        await idePage.keyboard.type('notes with no file yet');
        await dashboard.bringToFront();
        await row().getByRole('button', { name: 'Stop', exact: true }).click();
        const held = row().getByText(/Stop held back: the IDE could not save/);
        await held.waitFor({ timeout: 60_000 });
        assert.match(await held.innerText(), /Untitled/i, 'the reason names the editor');
        assert.equal(await row().locator('[data-phase="running"]').count(), 1, 'the IDE keeps running, reachable, so that it can be saved');
        // A moment later it is still held back: nothing stops it behind the user's back.
        await new Promise(resolve => setTimeout(resolve, 3_000));
        assert.equal(await row().locator('[data-phase="running"]').count(), 1);
        await row().getByRole('button', { name: 'Stop anyway', exact: true }).click();
        await waitForPhase('stopped');
    });
});
