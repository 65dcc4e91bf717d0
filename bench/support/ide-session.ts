/** Warren's IDE for a bench: started on a free port, opened in Chromium, stopped and closed again whatever happens. */
import * as path from 'path';
import type { Page } from 'playwright-core';
import { freePort, IdeHandle, startIde } from '@warren/ide-launcher';
import { Cleanup, Log, withTimeout } from './harness';
import { launchChromium } from '@warren/testing';

export const IDE_START_TIMEOUT_MS = 60_000;
export const BROWSER_TIMEOUT_MS = 30_000;
export const PAGE_TIMEOUT_MS = 90_000;
const GOPLS_READY_TIMEOUT_MS = 90_000;

/** Where the IDE runs: its workspace, a folder for its config (ide-config/ is made in it), its environment. */
export interface IdeSetup {
    workspace: string;
    dir: string;
    env: NodeJS.ProcessEnv;
}

/** The tail of the backend's output, to add to an error: it often says why the page failed. Empty without an IDE. */
export function backendLogTail(ide: IdeHandle | undefined): string {
    return ide ? `\n  backend log (tail):\n    ${ide.output().trimEnd().split('\n').slice(-10).join('\n    ')}` : '';
}

async function openPage(url: string, cleanup: Cleanup): Promise<Page> {
    const browser = await withTimeout(launchChromium(), BROWSER_TIMEOUT_MS, 'Launching Chromium');
    cleanup.add('Closing Chromium', () => browser.close());
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(url, { timeout: PAGE_TIMEOUT_MS });
    await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: PAGE_TIMEOUT_MS });
    return page;
}

/**
 * Starts the IDE (setup may add its own folders to cleanup), opens it in Chromium once the workbench shows, and runs
 * `run` on the page. An error gets the backend log's tail; the browser, the IDE and setup's folders are always removed.
 */
export async function withIdePage<T>(setup: (cleanup: Cleanup) => IdeSetup, log: Log, run: (page: Page, ide: IdeHandle) => Promise<T>): Promise<T> {
    const cleanup = new Cleanup(log);
    let ide: IdeHandle | undefined;
    try {
        const { workspace, dir, env } = setup(cleanup);
        const started = await startIde({
            workspace,
            configDir: path.join(dir, 'ide-config'),
            port: await freePort(),
            env,
            stdio: 'pipe',
            startTimeoutMs: IDE_START_TIMEOUT_MS
        });
        ide = started;
        cleanup.add('Stopping the IDE', () => started.stop());
        log(`ide: backend listens after ${started.startupMs} ms`);
        return await run(await openPage(started.url, cleanup), started);
    } catch (err) {
        throw new Error(`${(err as Error).message}${backendLogTail(ide)}`);
    } finally {
        await cleanup.runAll();
    }
}

/** Waits for the status bar's gopls item: the Go plugin shows it once gopls has started. */
export async function waitGoplsReady(page: Page): Promise<void> {
    await page.locator('#theia-statusBar .element', { hasText: /gopls v[\d.]+$/ }).waitFor({ timeout: GOPLS_READY_TIMEOUT_MS });
}
