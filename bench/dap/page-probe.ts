/**
 * Times a debug action in the IDE in the page's own clock, with the probe in support/page-probe.ts:
 *
 *   start: the keydown of the key (F5: Start Debugging; F10: Step Over);
 *   end:   the first DOM change after which the editor shows the top stack frame on the expected line (Theia's
 *          whole-line decoration `.theia-debug-top-stack-frame-line`, the highlighted current line).
 *
 * The interval thus holds Theia's keybinding dispatch and debug command, the DAP messages' way through Theia (frontend
 * → backend over the WebSocket → plugin host → the Go plugin's debug adapter → dlv's socket, and back), what dlv does
 * (for F5: start, build, launch and run to the breakpoint), the frontend asking for threads and the stack, and Monaco
 * rendering the decoration (Monaco renders on an animation frame). It ends before the browser paints that DOM (at most
 * one frame later).
 */
import type { Page } from 'playwright-core';
import * as probe from '../support/page-probe';

export { shownLine, waitDebugEnded as waitEnded } from '../support/page-probe';

/** Which key starts the action and on which line of the editor the top stack frame must then be shown. */
export interface Expectation {
    /** KeyboardEvent.key: 'F5' (without Shift, which stops) or 'F10'. */
    key: string;
    /** 1-based line of the editor. */
    line: number;
}

/** Arms a probe, presses the key, and returns the page-clock time from its keydown to the frame shown on the line. */
export async function timeInPage(page: Page, e: Expectation, timeoutMs: number): Promise<number> {
    return probe.timeInPage(page, { key: e.key, ctrl: false, bare: true, line: e.line }, [e.key], timeoutMs, {
        before: `the top stack frame was on line ${e.line} before ${e.key} was pressed`,
        missed: async cause => {
            const line = await probe.shownLine(page).catch(() => 0);
            return `after ${e.key} the editor did not show the top stack frame on line ${e.line} within ${timeoutMs / 1000} s `
                + `(it shows it ${line ? `on line ${line}` : 'nowhere'}; ${cause})`;
        }
    });
}
