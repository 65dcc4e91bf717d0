import { performance } from 'perf_hooks';
import type { CDPSession, Page } from 'playwright-core';

/** Theia logs this (console 'info') when it removes the preload indicator and reveals the workbench. */
const READY_LINE = "Changed application state from 'initialized_layout' to 'ready'";
const SHELL_SELECTOR = '#theia-app-shell';
/** How long the network must stay quiet before a load counts as settled. */
export const QUIET_MS = 500;
const POLL_MS = 25;

export interface LoadMetrics {
    /** page.goto start → #theia-app-shell visible (Playwright's "visible": a non-empty box, not visibility:hidden). */
    shellMs: number;
    /** page.goto start → the 'ready' console line. */
    readyMs: number;
    /** page.goto start → settled, as defined at waitForSettled. */
    settledMs: number;
    /** HTTP(S) bytes received until settled: encodedDataLength (headers + body as sent, i.e. compressed). */
    bytes: number;
    /** HTTP(S) requests started until settled. */
    requests: number;
}

/**
 * Follows the page's HTTP(S) requests through the DevTools protocol. WebSocket frames are not counted (Theia's RPC
 * runs over one socket.io WebSocket), nor data: and blob: URLs (nothing is downloaded for them: Theia's CSS inlines
 * fonts and wasm as data: URLs that Chromium reports as ~700 KB of "requests"). Requests made inside dedicated
 * workers are not seen by the page's session; neither app starts a worker before it settles (checked on 1.74.1).
 */
class HttpActivity {
    private readonly inFlight = new Map<string, string>();
    private lastActivityAt = performance.now();
    private bytesSoFar = 0;
    private requestsSoFar = 0;

    constructor(cdp: CDPSession) {
        cdp.on('Network.requestWillBeSent', e => {
            if (/^https?:/.test(e.request.url)) {
                // A redirect reuses the requestId: it stays one request in flight.
                this.requestsSoFar += this.inFlight.has(e.requestId) ? 0 : 1;
                this.inFlight.set(e.requestId, e.request.url);
                this.lastActivityAt = performance.now();
            }
        });
        cdp.on('Network.loadingFinished', e => {
            if (this.inFlight.delete(e.requestId)) {
                this.bytesSoFar += e.encodedDataLength;
                this.lastActivityAt = performance.now();
            }
        });
        cdp.on('Network.loadingFailed', e => {
            if (this.inFlight.delete(e.requestId)) {
                this.lastActivityAt = performance.now();
            }
        });
    }

    get lastActivity(): number {
        return this.lastActivityAt;
    }

    get bytes(): number {
        return this.bytesSoFar;
    }

    get requests(): number {
        return this.requestsSoFar;
    }

    get inFlightUrls(): string[] {
        return [...this.inFlight.values()];
    }
}

/** Resolves with performance.now() when the shell is visible; rejects after timeoutMs. Survives the navigation. */
async function waitForShell(page: Page, timeoutMs: number): Promise<number> {
    try {
        await page.waitForSelector(SHELL_SELECTOR, { state: 'visible', timeout: timeoutMs });
    } catch (err) {
        throw new Error(`${SHELL_SELECTOR} did not become visible within ${timeoutMs / 1000} s (${(err as Error).message.split('\n')[0]})`);
    }
    return performance.now();
}

/**
 * "Settled": the 'ready' console line has been seen AND no HTTP(S) request has been in flight, started or finished
 * for QUIET_MS. The settled time is the later of the ready line and the last request's start or end, i.e. when the
 * quiet period began; the QUIET_MS spent confirming the quiet are not part of it. Both apps are measured this way.
 */
async function waitForSettled(net: HttpActivity, readyAt: () => number | undefined, deadline: number, pageErrors: string[]): Promise<number> {
    for (;;) {
        const now = performance.now();
        const ready = readyAt();
        if (ready !== undefined && net.inFlightUrls.length === 0 && now - net.lastActivity >= QUIET_MS) {
            return Math.max(ready, net.lastActivity);
        }
        if (now > deadline) {
            const why = ready === undefined
                ? 'the frontend never logged that it was ready'
                : `requests still in flight: ${net.inFlightUrls.join(', ') || 'none, but the network never stayed quiet'}`;
            const errors = pageErrors.length > 0 ? `; first page error: ${pageErrors[0]}` : '';
            throw new Error(`The page did not settle in time: ${why}${errors}`);
        }
        await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
}

/**
 * Loads url in a fresh page and measures it. The page stays open for the caller (which samples memory while a
 * browser is connected, then closes it). Whether the cache is cold or warm is up to the page's context.
 */
export async function measureLoad(page: Page, url: string, timeoutMs: number): Promise<LoadMetrics> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const net = new HttpActivity(cdp);
    let readyAt: number | undefined;
    page.on('console', msg => {
        if (readyAt === undefined && msg.text().includes(READY_LINE)) {
            readyAt = performance.now();
        }
    });
    const pageErrors: string[] = [];
    page.on('pageerror', err => pageErrors.push(err.message));

    const start = performance.now();
    const deadline = start + timeoutMs;
    const [shellAt] = await Promise.all([
        waitForShell(page, timeoutMs),
        page.goto(url, { timeout: timeoutMs, waitUntil: 'load' })
    ]);
    const settledAt = await waitForSettled(net, () => readyAt, deadline, pageErrors);
    await cdp.detach().catch(() => undefined);
    return {
        shellMs: Math.round(shellAt - start),
        readyMs: Math.round(readyAt! - start),
        settledMs: Math.round(settledAt - start),
        bytes: net.bytes,
        requests: net.requests
    };
}
