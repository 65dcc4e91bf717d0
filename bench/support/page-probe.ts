/**
 * Times an action in the IDE in the page's own clock (performance.now() in the page), so that Playwright's round
 * trips (sending the key over CDP, polling for the result) are not part of the time:
 *
 *   start: a capturing `keydown` listener on window, the first script in the page to see the key, records
 *          performance.now();
 *   end:   a MutationObserver on the whole document records performance.now() at the first DOM change after which
 *          the answer is shown: the editor's top stack frame on a line, or a visible element with a text.
 *
 * MutationObserver callbacks run at the end of the task that changed the DOM, so the time is not quantized to
 * frames; it ends before the browser paints that DOM (at most one frame later). What each bench's answer is, and
 * what its interval therefore holds, is said in its own page-probe.ts.
 */
import type { Page } from 'playwright-core';

/** The key that starts the interval and what on screen ends it. */
interface ProbeKey {
    /** KeyboardEvent.key, compared without case ('F5', ' ', 'i'). */
    key: string;
    /** Whether Ctrl is held with it. */
    ctrl: boolean;
    /** Whether Shift and Alt must be up too (F5 starts debugging, Shift+F5 stops). */
    bare?: boolean;
}

/**
 * The editor shows Theia's top stack frame decoration (`.theia-debug-top-stack-frame-line`) on this 1-based line:
 * it sits in a visible editor's view overlays at the height of the gutter's line number of that line. The line is
 * read from the overlays' `style.top`, not from layout, so the observer forces no layout.
 */
interface LineAnswer {
    line: number;
}

/**
 * An element matching selector is visible (Element.checkVisibility) with this text (Monaco's no-break spaces read
 * as spaces): its whole text when exact (a line number), else contained in it.
 */
interface TextAnswer {
    selector: string;
    text: string;
    exact: boolean;
}

export type Expectation = ProbeKey & (LineAnswer | TextAnswer);

type ProbeOp = 'arm' | 'disarm' | 'result' | 'hidden' | 'line' | 'ended';

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
 * result: { ms } once the answer was seen, else null. hidden: whether the answer is off screen. line: the line the
 * top frame is shown on, 0 for none. ended: no top frame is shown and the workbench is out of debug mode.
 * disarm: stops a probe.
 */
function pageProbe({ e, op }: ProbeArg): boolean | number | { ms: number } | null {
    const w = window as unknown as { benchProbe?: ProbeState };
    const shownLine = (): number => {
        for (const decoration of Array.from(document.querySelectorAll<HTMLElement>('.view-overlays .theia-debug-top-stack-frame-line'))) {
            const editor = decoration.closest('.monaco-editor');
            const top = decoration.parentElement?.style.top;
            if (!editor || !top || !editor.checkVisibility({ checkVisibilityCSS: true })) {
                continue;
            }
            for (const number of Array.from(editor.querySelectorAll<HTMLElement>('.margin-view-overlays .line-numbers'))) {
                if (number.parentElement?.style.top === top) {
                    return Number(number.textContent);
                }
            }
        }
        return 0;
    };
    const shown = (): boolean => 'line' in e
        ? shownLine() === e.line
        : Array.from(document.querySelectorAll(e.selector)).some(el => {
            const text = (el.textContent ?? '').replace(/\u00a0/g, ' ');
            return (e.exact ? text.trim() === e.text : text.includes(e.text)) && el.checkVisibility({ checkVisibilityCSS: true });
        });
    if (op === 'line') {
        return shownLine();
    }
    if (op === 'ended') {
        return shownLine() === 0 && !document.body.classList.contains('theia-mod-debugging');
    }
    if (op === 'hidden') {
        return !shown();
    }
    if (op === 'result') {
        const p = w.benchProbe;
        return p?.start !== undefined && p.end !== undefined ? { ms: p.end - p.start } : null;
    }
    w.benchProbe?.stop();
    w.benchProbe = undefined;
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
        if (state.start === undefined && event.key.toLowerCase() === e.key.toLowerCase() && event.ctrlKey === e.ctrl
            && !(e.bare && (event.shiftKey || event.altKey))) {
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
    w.benchProbe = state;
    return true;
}

const NO_EXPECTATION: Expectation = { key: '', ctrl: false, line: 0 };

function probeArg(e: Expectation, op: ProbeOp): ProbeArg {
    return { e, op };
}

/** The errors a bench gives when a sample is void or its answer does not show. */
export interface ProbeErrors {
    /** The answer was on screen before the keys were pressed. */
    before: string;
    /** The answer did not show in time; cause is the first line of Playwright's error. */
    missed(cause: string): Promise<string>;
}

/** Arms a probe, presses the keys, and returns the page-clock time from the expected key's keydown to the answer shown. */
export async function timeInPage(page: Page, e: Expectation, keys: string[], timeoutMs: number, errors: ProbeErrors): Promise<number> {
    if (!await page.evaluate(pageProbe, probeArg(e, 'arm'))) {
        throw new Error(errors.before);
    }
    try {
        for (const key of keys) {
            await page.keyboard.press(key);
        }
        // Polling only tells Node that the probe has its result; the time itself was taken by the probe.
        const result = await page.waitForFunction(pageProbe, probeArg(e, 'result'), { timeout: timeoutMs, polling: 50 });
        return ((await result.jsonValue()) as { ms: number }).ms;
    } catch (err) {
        throw new Error(await errors.missed((err as Error).message.split('\n')[0]));
    } finally {
        await page.evaluate(pageProbe, probeArg(e, 'disarm')).catch(() => undefined);
    }
}

/** The line the editor shows the top stack frame on; 0 when none. */
export async function shownLine(page: Page): Promise<number> {
    return await page.evaluate(pageProbe, probeArg(NO_EXPECTATION, 'line')) as number;
}

/** Waits until e's answer is off screen again (after Escape, say). */
export async function waitHidden(page: Page, e: Expectation, timeoutMs: number): Promise<void> {
    await page.waitForFunction(pageProbe, probeArg(e, 'hidden'), { timeout: timeoutMs, polling: 50 });
}

/** Waits until the editor shows no stack frame and the workbench has left debug mode (after Shift+F5). */
export async function waitDebugEnded(page: Page, timeoutMs: number): Promise<void> {
    await page.waitForFunction(pageProbe, probeArg(NO_EXPECTATION, 'ended'), { timeout: timeoutMs, polling: 50 });
}
