/**
 * Times an IDE request in the page's own clock, with the probe in support/page-probe.ts:
 *
 *   start: the keydown of the key that sends the request (F12, Ctrl+Space, the I of Ctrl+K Ctrl+I);
 *   end:   the first DOM change after which an element matching the expectation is visible (Element.checkVisibility)
 *          and holds the expected text.
 *
 * The interval thus holds Theia's keybinding dispatch, Monaco's command, the request's way through Theia (frontend
 * → backend over the WebSocket → plugin host → vscode-languageclient → gopls's stdio, and back) and Monaco building
 * the DOM that shows the answer; it ends before the browser paints that DOM (at most one frame later).
 *
 * Opacity is not checked: Monaco fades its hover in (a 100 ms CSS animation from opacity 0), which changes no DOM, so
 * the end would otherwise wait for whatever mutation comes next (the cursor's blink, every ~500 ms). The fade-in is
 * therefore not part of the time: the answer counts as shown when its element is displayed.
 */
import type { Page } from 'playwright-core';
import * as probe from '../support/page-probe';

/** Which key sends a request and what on screen shows its answer. */
export interface Expectation {
    /** KeyboardEvent.key of the key that sends the request ('F12', ' ', 'i'), compared without case. */
    key: string;
    /** Whether Ctrl is held with it. */
    ctrl: boolean;
    /** CSS selector of the elements that show the answer. */
    selector: string;
    /** One of them must be visible with this text (Monaco's no-break spaces read as spaces). */
    text: string;
    /** True: the element's whole text is `text` (a line number); false: it contains `text`. */
    exact: boolean;
}

/** Arms a probe, sends the keys, and returns the page-clock time from the trigger key to the answer on screen. */
export async function timeInPage(page: Page, e: Expectation, keys: string[], timeoutMs: number): Promise<number> {
    return probe.timeInPage(page, e, keys, timeoutMs, {
        before: `"${e.text}" was on screen before the request was sent`,
        missed: async cause => `"${e.text}" did not show in ${e.selector} within ${timeoutMs / 1000} s (${cause})`
    });
}

/** Waits until the answer is off screen again (after Escape). */
export async function waitHidden(page: Page, e: Expectation, timeoutMs: number): Promise<void> {
    await probe.waitHidden(page, e, timeoutMs);
}
