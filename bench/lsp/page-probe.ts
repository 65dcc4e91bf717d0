/**
 * Times an IDE request in the page's own clock (performance.now() in the page), so that Playwright's round trips
 * (sending the key over CDP, polling for the result) are not part of the time:
 *
 *   start: a capturing `keydown` listener on window, the first script in the page to see the key that sends the
 *          request (F12, Ctrl+Space, the I of Ctrl+K Ctrl+I), records performance.now();
 *   end:   a MutationObserver on the whole document records performance.now() at the first DOM change after which
 *          an element matching the expectation is visible (Element.checkVisibility) and holds the expected text.
 *
 * The interval thus holds Theia's keybinding dispatch, Monaco's command, the request's way through Theia (frontend
 * → backend over the WebSocket → plugin host → vscode-languageclient → gopls's stdio, and back) and Monaco building
 * the DOM that shows the answer; it ends before the browser paints that DOM (at most one frame later). MutationObserver
 * callbacks run at the end of the task that changed the DOM, so the time is not quantized to frames.
 *
 * Opacity is not checked: Monaco fades its hover in (a 100 ms CSS animation from opacity 0), which changes no DOM, so
 * the end would otherwise wait for whatever mutation comes next (the cursor's blink, every ~500 ms). The fade-in is
 * therefore not part of the time: the answer counts as shown when its element is displayed.
 */
import type { Page } from 'playwright-core';

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

type ProbeOp = 'arm' | 'disarm' | 'result' | 'hidden';

interface ProbeArg {
    e: Expectation;
    op: ProbeOp;
}

interface ProbeState {
    start?: number;
    end?: number;
    stop(): void;
}

/**
 * Runs in the page; one function for every operation because each function handed to the page must stand alone.
 * arm: installs the listener and the observer; false when the answer is on screen already (the sample would be void).
 * result: { ms } once the answer was seen, else null. hidden: whether the answer is off screen. disarm: stops a probe.
 */
function pageProbe({ e, op }: ProbeArg): boolean | { ms: number } | null {
    const w = window as unknown as { lspBenchProbe?: ProbeState };
    const shown = (): boolean => Array.from(document.querySelectorAll(e.selector)).some(el => {
        const text = (el.textContent ?? '').replace(/\u00a0/g, ' ');
        return (e.exact ? text.trim() === e.text : text.includes(e.text)) && el.checkVisibility({ checkVisibilityCSS: true });
    });
    if (op === 'hidden') {
        return !shown();
    }
    if (op === 'result') {
        const p = w.lspBenchProbe;
        return p?.start !== undefined && p.end !== undefined ? { ms: p.end - p.start } : null;
    }
    w.lspBenchProbe?.stop();
    w.lspBenchProbe = undefined;
    if (op === 'disarm') {
        return true;
    }
    if (shown()) {
        return false;
    }
    const state: ProbeState = {
        stop: () => {
            observer.disconnect();
            window.removeEventListener('keydown', onKey, true);
        }
    };
    const onKey = (event: KeyboardEvent): void => {
        if (state.start === undefined && event.key.toLowerCase() === e.key.toLowerCase() && event.ctrlKey === e.ctrl) {
            state.start = performance.now();
        }
    };
    const observer = new MutationObserver(() => {
        if (state.start !== undefined && state.end === undefined && shown()) {
            state.end = performance.now();
            state.stop();
        }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    window.addEventListener('keydown', onKey, true);
    w.lspBenchProbe = state;
    return true;
}

function probeArg(e: Expectation, op: ProbeOp): ProbeArg {
    return { e, op };
}

/** Arms a probe, sends the keys, and returns the page-clock time from the trigger key to the answer on screen. */
export async function timeInPage(page: Page, e: Expectation, keys: string[], timeoutMs: number): Promise<number> {
    if (!await page.evaluate(pageProbe, probeArg(e, 'arm'))) {
        throw new Error(`"${e.text}" was on screen before the request was sent`);
    }
    try {
        for (const key of keys) {
            await page.keyboard.press(key);
        }
        // Polling only tells Node that the probe has its result; the time itself was taken by the probe.
        const result = await page.waitForFunction(pageProbe, probeArg(e, 'result'), { timeout: timeoutMs, polling: 50 });
        return ((await result.jsonValue()) as { ms: number }).ms;
    } catch (err) {
        throw new Error(`"${e.text}" did not show in ${e.selector} within ${timeoutMs / 1000} s (${(err as Error).message.split('\n')[0]})`);
    } finally {
        await page.evaluate(pageProbe, probeArg(e, 'disarm')).catch(() => undefined);
    }
}

/** Waits until the answer is off screen again (after Escape). */
export async function waitHidden(page: Page, e: Expectation, timeoutMs: number): Promise<void> {
    await page.waitForFunction(pageProbe, probeArg(e, 'hidden'), { timeout: timeoutMs, polling: 50 });
}
