/**
 * Times a debug action in the IDE in the page's own clock (performance.now() in the page), so that Playwright's round
 * trips (sending the key over CDP, polling for the result) are not part of the time:
 *
 *   start: a capturing `keydown` listener on window, the first script in the page to see the key (F5: Start
 *          Debugging; F10: Step Over), records performance.now();
 *   end:   a MutationObserver on the whole document records performance.now() at the first DOM change after which the
 *          editor shows the top stack frame on the expected line: Theia's whole-line decoration
 *          `.theia-debug-top-stack-frame-line` (the highlighted current line) sits in a visible editor's view overlays
 *          at the same height as the gutter's line number of that line.
 *
 * The interval thus holds Theia's keybinding dispatch and debug command, the DAP messages' way through Theia (frontend
 * → backend over the WebSocket → plugin host → the Go plugin's debug adapter → dlv's socket, and back), what dlv does
 * (for F5: start, build, launch and run to the breakpoint), the frontend asking for threads and the stack, and Monaco
 * rendering the decoration (Monaco renders on an animation frame). It ends before the browser paints that DOM (at most
 * one frame later). The line is read from the overlays' `style.top`, not from layout, so the observer forces no layout.
 */
import type { Page } from 'playwright-core';

/** Which key starts the action and on which line of the editor the top stack frame must then be shown. */
export interface Expectation {
    /** KeyboardEvent.key: 'F5' (without Shift, which stops) or 'F10'. */
    key: string;
    /** 1-based line of the editor. */
    line: number;
}

type ProbeOp = 'arm' | 'disarm' | 'result' | 'ended' | 'line';

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
 * arm: installs the listener and the observer; false when the frame is on that line already (the sample would be void).
 * result: { ms } once the line was shown, else null. line: the line the top frame is shown on, 0 for none.
 * ended: no top frame is shown and the workbench is out of debug mode. disarm: stops a probe.
 */
function pageProbe({ e, op }: ProbeArg): boolean | number | { ms: number } | null {
    const w = window as unknown as { dapBenchProbe?: ProbeState };
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
    if (op === 'line') {
        return shownLine();
    }
    if (op === 'ended') {
        return shownLine() === 0 && !document.body.classList.contains('theia-mod-debugging');
    }
    if (op === 'result') {
        const p = w.dapBenchProbe;
        return p?.start !== undefined && p.end !== undefined ? { ms: p.end - p.start } : null;
    }
    w.dapBenchProbe?.stop();
    w.dapBenchProbe = undefined;
    if (op === 'disarm') {
        return true;
    }
    if (shownLine() === e.line) {
        return false;
    }
    const state: ProbeState = {
        stop: () => {
            observer.disconnect();
            window.removeEventListener('keydown', onKey, true);
        }
    };
    const onKey = (event: KeyboardEvent): void => {
        if (state.start === undefined && event.key === e.key && !event.shiftKey && !event.ctrlKey && !event.altKey) {
            state.start = performance.now();
        }
    };
    const observer = new MutationObserver(() => {
        if (state.start !== undefined && state.end === undefined && shownLine() === e.line) {
            state.end = performance.now();
            state.stop();
        }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    window.addEventListener('keydown', onKey, true);
    w.dapBenchProbe = state;
    return true;
}

function probeArg(e: Expectation, op: ProbeOp): ProbeArg {
    return { e, op };
}

const NO_EXPECTATION: Expectation = { key: '', line: 0 };

/** The line the editor shows the top stack frame on; 0 when none. */
export async function shownLine(page: Page): Promise<number> {
    return await page.evaluate(pageProbe, probeArg(NO_EXPECTATION, 'line')) as number;
}

/** Arms a probe, presses the key, and returns the page-clock time from its keydown to the frame shown on the line. */
export async function timeInPage(page: Page, e: Expectation, timeoutMs: number): Promise<number> {
    if (!await page.evaluate(pageProbe, probeArg(e, 'arm'))) {
        throw new Error(`the top stack frame was on line ${e.line} before ${e.key} was pressed`);
    }
    try {
        await page.keyboard.press(e.key);
        // Polling only tells Node that the probe has its result; the time itself was taken by the probe.
        const result = await page.waitForFunction(pageProbe, probeArg(e, 'result'), { timeout: timeoutMs, polling: 50 });
        return ((await result.jsonValue()) as { ms: number }).ms;
    } catch (err) {
        const line = await shownLine(page).catch(() => 0);
        throw new Error(`after ${e.key} the editor did not show the top stack frame on line ${e.line} within ${timeoutMs / 1000} s `
            + `(it shows it ${line ? `on line ${line}` : 'nowhere'}; ${(err as Error).message.split('\n')[0]})`);
    } finally {
        await page.evaluate(pageProbe, probeArg(e, 'disarm')).catch(() => undefined);
    }
}

/** Waits until the editor shows no stack frame and the workbench has left debug mode (after Shift+F5). */
export async function waitEnded(page: Page, timeoutMs: number): Promise<void> {
    await page.waitForFunction(pageProbe, probeArg(NO_EXPECTATION, 'ended'), { timeout: timeoutMs, polling: 50 });
}
