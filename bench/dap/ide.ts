/**
 * (b) The same sessions through the IDE: Warren's backend with the Go plugin (whose debug adapter starts dlv), driven in
 * Chromium as a person would: a click in the gutter sets the breakpoint, F5 starts debugging, F10 steps over, Shift+F5
 * stops. What is timed is described in page-probe.ts.
 */
import type { Locator, Page } from 'playwright-core';
import type { IdeHandle } from '@warren/ide-launcher';
import { Log, sleep, withTimeout } from '../support/harness';
import { IdeSetup, PAGE_TIMEOUT_MS, waitGoplsReady, withIdePage } from '../support/ide-session';
import { shownLine, timeInPage, waitEnded } from './page-probe';
import { debugProcessesUnder } from './processes';
import { MAIN_FILE, ProgramInfo } from './program';
import { Driver, sampleSessions, Sampled, SamplingOptions, Timed } from './sampling';
import { Sandbox } from './sandbox';

const UI_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

export type IdeResult = Sampled;

class IdeDriver implements Driver {
    constructor(private readonly page: Page, private readonly ide: IdeHandle, private readonly program: ProgramInfo) { }

    /** F5's keydown → the editor shows the top stack frame on the breakpoint's line. */
    start(timeoutMs: number): Promise<Timed> {
        return this.timed('F5', this.program.breakpointLine, timeoutMs);
    }

    /** F10's keydown → the editor shows the top stack frame on the next line. */
    step(_from: number, to: number, timeoutMs: number): Promise<Timed> {
        return this.timed('F10', to, timeoutMs);
    }

    private async timed(key: string, line: number, timeoutMs: number): Promise<Timed> {
        return { ms: await timeInPage(this.page, { key, line }, timeoutMs) };
    }

    /**
     * Shift+F5 (Stop) when a session runs, then waits until the editor shows no stack frame, the workbench has left
     * debug mode, and no dlv or debugged program runs below the IDE's backend any more.
     */
    async stop(): Promise<void> {
        const debugging = await this.page.evaluate(() => document.body.classList.contains('theia-mod-debugging'));
        if (debugging || await shownLine(this.page) !== 0) {
            await this.page.keyboard.press('Shift+F5');
        }
        await waitEnded(this.page, STOP_TIMEOUT_MS);
        const backend = this.ide.process.pid!;
        await withTimeout((async () => {
            while (debugProcessesUnder(backend).length > 0) {
                await sleep(POLL_MS);
            }
        })(), STOP_TIMEOUT_MS, `Waiting for dlv and the program to exit (${debugProcessesUnder(backend).join(', ')})`);
    }
}

/** Opens main.go from the explorer (a double click) and returns its editor once it shows the text. */
async function openMain(page: Page): Promise<Locator> {
    await page.locator('#files .theia-TreeNode', { hasText: new RegExp(`^${MAIN_FILE.replace(/\./g, '\\.')}$`) }).dblclick({ timeout: PAGE_TIMEOUT_MS });
    const editor = page.locator('.theia-editor:visible .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'package main' }).first().waitFor({ timeout: UI_TIMEOUT_MS * 3 });
    return editor;
}

/** Sets the breakpoint with a click in the editor's gutter at its line, as the e2e test does. */
async function setBreakpoint(page: Page, editor: Locator, program: ProgramInfo): Promise<void> {
    const line = await editor.locator('.view-line', { hasText: program.breakpointText }).first().boundingBox();
    const margin = await editor.locator('.margin').boundingBox();
    if (!line || !margin) {
        throw new Error(`line ${program.breakpointLine} of ${MAIN_FILE} is not on screen`);
    }
    await page.mouse.click(margin.x + 5, line.y + line.height / 2);
    await editor.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: UI_TIMEOUT_MS });
}

export async function measureIde(sandbox: Sandbox, options: SamplingOptions, log: Log): Promise<IdeResult> {
    const setup = (): IdeSetup => ({ workspace: sandbox.program.dir, dir: sandbox.dir, env: sandbox.env });
    return withIdePage(setup, log, async (page, ide) => {
        const editor = await openMain(page);
        // gopls starts with main.go's editor; its loading the package is not to overlap the first sessions.
        await waitGoplsReady(page);
        await setBreakpoint(page, editor, sandbox.program);
        return await sampleSessions('ide', new IdeDriver(page, ide, sandbox.program), sandbox.program, options, log);
    });
}
