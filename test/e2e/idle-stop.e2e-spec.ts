import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually, IdePage, launchChromium, REPO, startWarrenServe, WarrenServe } from '@warren/testing';

const TIMEOUT_SECONDS = 24;
const UNSAVED = '// typed, never saved: the idle stop saves it';
const LONG_TEST = 'TestWarrenIdleLongRunning';

/**
 * The idle stop with everything real: `warren serve` with a class whose idle timeout is 24 s,
 * heartbeats and idle checks every second, two workspaces open in chromium. "quiet" has an unsaved
 * edit and nobody touches it: the workspace manager has the IDE warn and save, then stops it. "busy"
 * runs a long `go test` in a terminal while nobody touches it either: it is not stopped.
 */
describe('idle stop through the gateway', () => {
    let warren: WarrenServe;
    let browser: Browser;
    let context: BrowserContext;
    let quietStartedAt = 0;
    let busySince = 0;
    let classesDir: string | undefined;

    before(async () => {
        classesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-idle-classes-'));
        const classes = path.join(classesDir, 'classes.json');
        fs.writeFileSync(classes, JSON.stringify([{ name: 'small', description: 'small, quick to idle', cpu: '2', memory: '4Gi', disk: '10Gi', idleTimeoutSeconds: TIMEOUT_SECONDS }]));
        warren = await startWarrenServe(['--classes', classes, '--heartbeat-seconds', '1', '--idle-check-seconds', '1']);
        browser = await launchChromium();
        context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        await context.grantPermissions(['clipboard-read', 'clipboard-write']); // reading the terminal, as a person copies it
        const dashboard = await context.newPage();
        await dashboard.goto(warren.loginUrl);
        for (const name of ['Quiet', 'Busy']) {
            await dashboard.getByLabel('Name').fill(name);
            await dashboard.getByRole('button', { name: 'Create workspace' }).click();
            await dashboard.locator(`[data-workspace="${name.toLowerCase()}"] [data-phase="running"]`).waitFor({ timeout: 90_000 });
        }
        await dashboard.close();
    });

    after(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        for (const [i, page] of (context?.pages() ?? []).entries()) {
            await page.screenshot({ path: path.join(REPO, 'test-results', `idle-stop-${i}.png`) }).catch(() => undefined);
        }
        await browser?.close();
        await warren?.stop();
        if (classesDir) {
            fs.rmSync(classesDir, { recursive: true, force: true });
        }
    });

    const phase = async (id: string): Promise<string> =>
        (await (await context.request.get(`${warren.gateway}/api/v1/workspaces/${id}`)).json() as { workspace: { phase: string } }).workspace.phase;
    const openIde = async (id: string): Promise<Page> => {
        const page = await context.newPage();
        await page.goto(`${warren.gateway}/open/${id}`);
        // One that idled out before this first visit waits on its open page for a person to press Start.
        const start = page.getByRole('button', { name: 'Start', exact: true });
        const shell = page.locator('#theia-app-shell');
        await start.or(shell).first().waitFor({ timeout: 90_000 });
        if (await start.isVisible()) {
            await start.click();
        }
        await shell.waitFor({ state: 'visible', timeout: 90_000 });
        return page;
    };

    it('should keep a workspace running a long go test in a terminal', async () => {
        fs.writeFileSync(path.join(warren.files('default', 'busy'), 'long_test.go'),
            `package main\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc ${LONG_TEST}(t *testing.T) {\n\ttime.Sleep(120 * time.Second)\n}\n`);
        const page = await openIde('busy');
        const ide = new IdePage(browser, context, page);
        await ide.newTerminal();
        await page.keyboard.type(`go test -count=1 -run ${LONG_TEST} .`);
        await page.keyboard.press('Enter');
        // A new workspace's build cache is cold: on a loaded 2-core machine the first go test took over 90 s to build.
        await eventually('the test binary running', async () => testBinaryRuns(warren.dataDir) || undefined, 240_000);
        busySince = Date.now();
    });

    it('should warn, save the unsaved edit and stop a workspace nobody uses', async () => {
        const page = await openIde('quiet');
        const ide = new IdePage(browser, context, page);
        await ide.openFile('main.go', 'package main');
        await ide.cursorAtEndOfLine('main.go', 16);
        await page.keyboard.press('Enter');
        await page.keyboard.type(UNSAVED);
        quietStartedAt = Date.now();
        // From here nobody touches anything.
        await page.locator('.theia-notification-toasts .theia-notification-message', { hasText: 'has been idle and stops in' }).waitFor({ timeout: 90_000 });
        await eventually('quiet stopped', async () => (await phase('quiet')) === 'stopped' || undefined, 90_000);
        assert.ok(Date.now() - quietStartedAt >= TIMEOUT_SECONDS * 1000, 'not before its timeout');
        assert.match(fs.readFileSync(path.join(warren.files('default', 'quiet'), 'main.go'), 'utf8'), new RegExp(UNSAVED));
        assert.match(warren.output(), /"msg":"stopping idle workspace","tenant":"default","workspace":"quiet"/);
    });

    it('should still run the busy workspace well past its idle timeout', async () => {
        const past = busySince + (TIMEOUT_SECONDS + 10) * 1000;
        await new Promise(resolve => setTimeout(resolve, Math.max(0, past - Date.now())));
        assert.equal(await phase('busy'), 'running');
        assert.doesNotMatch(warren.output(), /"msg":"stopping idle workspace","tenant":"default","workspace":"busy"/);
    });

    it('should offer to start the stopped workspace on the next visit, and open it with its files', async () => {
        const page = await context.newPage();
        await page.goto(`${warren.gateway}/open/quiet`);
        await page.getByRole('button', { name: 'Start', exact: true }).click();
        await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 90_000 });
        const ide = new IdePage(browser, context, page);
        const editor = await ide.openFile('main.go', 'package main');
        await editor.locator('.view-line', { hasText: 'the idle stop saves it' }).waitFor({ timeout: 30_000 });
    });
});

/** The long test's binary runs in this Warren's data folder (its own processes only, not another run's). */
function testBinaryRuns(dataDir: string): boolean {
    return fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).some(pid => {
        try {
            return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dataDir)
                && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`test.run=${LONG_TEST}`);
        } catch {
            return false;
        }
    });
}
