import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, Locator, Page } from 'playwright-core';
import { eventually, IdePage, launchChromium, REPO, startWarrenServe, WarrenServe } from '@warren/testing';

const EDIT = '// edited in the browser through the gateway';

/**
 * A person's first visit: `warren serve` prints a login link; they open it in chromium, create a
 * workspace in the dashboard, open it, edit and save main.go, go back, stop it, start it, open it
 * again and find the edit. Everything is real: the CLI, manager, gateway, IDE and browser.
 */
describe('Warren in the browser through the gateway', () => {
    let warren: WarrenServe;
    let browser: Browser;
    let page: Page;

    before(async () => {
        warren = await startWarrenServe(['--no-idle-stop']);
        browser = await launchChromium();
        page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    });

    after(async () => {
        if (page) {
            fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
            await page.screenshot({ path: path.join(REPO, 'test-results', 'gateway.png') }).catch(() => undefined);
        }
        await browser?.close();
        await warren?.stop();
    });

    const row = (id: string): Locator => page.locator(`[data-workspace="${id}"]`);
    const waitForPhase = (id: string, phase: string): Promise<void> => row(id).locator(`[data-phase="${phase}"]`).waitFor({ timeout: 90_000 });
    const openIde = async (): Promise<IdePage> => {
        await row('hello').getByRole('link', { name: 'Open', exact: true }).click();
        await page.waitForURL(/^http:\/\/hello--default\.localhost:\d+\/$/, { timeout: 90_000 });
        await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
        return new IdePage(browser, page.context(), page);
    };

    it('should sign in with the printed link and land on the dashboard', async () => {
        await page.goto(warren.loginUrl);
        assert.equal(page.url(), `${warren.gateway}/`, 'the token leaves the address bar');
        await page.getByText('default', { exact: false }).first().waitFor({ timeout: 10_000 });
        await page.getByRole('button', { name: 'Create workspace' }).waitFor();
    });

    it('should create a workspace and show it running', async () => {
        await page.getByLabel('Name').fill('Hello');
        await page.getByLabel('Class').selectOption('small');
        await page.getByRole('button', { name: 'Create workspace' }).click();
        await waitForPhase('hello', 'running');
    });

    it('should open the IDE on the workspace\'s own origin, and save an edit to main.go', async () => {
        const ide = await openIde();
        await ide.openFile('main.go', 'package main');
        await ide.cursorAtEndOfLine('main.go', 16);
        await page.keyboard.press('Enter');
        await page.keyboard.type(EDIT);
        await page.keyboard.press('Control+S');
        const file = path.join(warren.files('default', 'hello'), 'main.go');
        await eventually('the edit on disk', () => fs.readFileSync(file, 'utf8').includes(EDIT) || undefined, 10_000).catch(() => undefined);
        assert.match(fs.readFileSync(file, 'utf8'), new RegExp(EDIT));
    });

    it('should stop and start the workspace from the dashboard, and keep the edit', async () => {
        await page.goto(`${warren.gateway}/`);
        await waitForPhase('hello', 'running');
        await row('hello').getByRole('button', { name: 'Stop', exact: true }).click();
        await waitForPhase('hello', 'stopped');
        await row('hello').getByRole('button', { name: 'Start', exact: true }).click();
        await waitForPhase('hello', 'running');
        const ide = await openIde();
        const editor = await ide.openFile('main.go', 'package main');
        await editor.locator('.view-line', { hasText: 'edited in the browser' }).waitFor({ timeout: 30_000 });
    });

    it('should refuse the workspace\'s WebSocket to a page of another origin in the same browser', async () => {
        // Cross-site WebSocket hijacking, replayed for real: a page elsewhere, in the browser that holds the cookies.
        const evil = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
        const evilPort = await new Promise<number>(resolve => evil.listen(0, '127.0.0.1', () => resolve((evil.address() as AddressInfo).port)));
        try {
            await page.goto(`http://127.0.0.1:${evilPort}/`);
            const target = `ws://hello--default.localhost:${warren.port}/socket.io/?EIO=4&transport=websocket`;
            const outcome = await page.evaluate(url => new Promise<string>(resolve => {
                const socket = new WebSocket(url);
                socket.onopen = () => resolve('open');
                socket.onerror = () => resolve('refused');
            }), target);
            assert.equal(outcome, 'refused');
            assert.match(warren.output(), new RegExp(`WebSocket from a foreign origin refused.*"origin":"http://127\\.0\\.0\\.1:${evilPort}"`));
        } finally {
            evil.close();
        }
    });

    it('should start a stopped workspace only when asked: a visit to its open page (a link from anywhere) starts nothing', async () => {
        await page.goto(`${warren.gateway}/`);
        await row('hello').getByRole('button', { name: 'Stop', exact: true }).click();
        await waitForPhase('hello', 'stopped');
        await page.goto(`${warren.gateway}/open/hello`);
        await page.getByText('is stopped: start it to open the IDE').waitFor({ timeout: 10_000 });
        const answer = await page.request.get(`${warren.gateway}/api/v1/workspaces/hello`);
        assert.equal((await answer.json() as { workspace: { desiredState: string } }).workspace.desiredState, 'stopped');
    });

    it('should start a stopped workspace when it is opened from the dashboard, showing its progress', async () => {
        await page.goto(`${warren.gateway}/`);
        await waitForPhase('hello', 'stopped');
        await row('hello').getByRole('link', { name: 'Open', exact: true }).click();
        await page.waitForURL(/\/open\/hello$/);
        await page.waitForURL(/^http:\/\/hello--default\.localhost:\d+\/$/, { timeout: 90_000 });
        await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
    });

    it('should show on the dashboard why a workspace failed', async () => {
        const { pid } = JSON.parse(fs.readFileSync(path.join(warren.files('default', 'hello'), '..', 'runtime.json'), 'utf8')) as { pid: number };
        process.kill(pid, 'SIGKILL');
        await page.goto(`${warren.gateway}/`);
        await waitForPhase('hello', 'failed');
        await row('hello').getByText(/The IDE stopped by itself \(signal SIGKILL/).waitFor({ timeout: 10_000 });
        await row('hello').getByRole('button', { name: 'Start', exact: true }).waitFor();
    });

    it('should delete a workspace and its files after a confirmation', async () => {
        await row('hello').getByRole('button', { name: 'Delete', exact: true }).click();
        const dialog = page.locator('dialog[open]');
        await dialog.getByText('hello', { exact: false }).first().waitFor({ timeout: 10_000 });
        await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
        await row('hello').waitFor({ timeout: 5_000 });
        assert.ok(fs.existsSync(warren.files('default', 'hello')), 'Cancel keeps it');
        await row('hello').getByRole('button', { name: 'Delete', exact: true }).click();
        await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
        await row('hello').waitFor({ state: 'detached', timeout: 60_000 });
        await page.getByRole('button', { name: 'Create workspace' }).waitFor();
        await eventually('its files gone', () => !fs.existsSync(warren.files('default', 'hello')) || undefined, 10_000).catch(() => undefined);
        assert.equal(fs.existsSync(warren.files('default', 'hello')), false, 'its files are gone');
    });
});
