// Live workspace changes from the gateway's Server-Sent Events stream.
import { request, WorkspaceEvent } from './api.js';

export type { WorkspaceEvent };

export interface WorkspaceWatchHandlers {
    /** Every change; the first events after each connect are a snapshot of every workspace. */
    onDidChangeWorkspace(event: WorkspaceEvent): void;
    /** The stream has been down for a while (false), or is back after that (true). */
    onDidChangeConnection?(connected: boolean): void;
    /** The stream is back after an error: events may have been missed, so fetch the list again. */
    onDidReconnect?(): void;
}

export interface WorkspaceWatch {
    close(): void;
}

const eventsPath = '/api/v1/events';
/** How long the stream may be down before the page says so: a short blip is not worth a message. */
const reportDownAfterMs = 3000;
const maxRetryDelayMs = 30_000;

export function watchWorkspaces(handlers: WorkspaceWatchHandlers): WorkspaceWatch {
    let source: EventSource | undefined;
    let failing = false;
    let reportedDown = false;
    let downTimer: number | undefined;
    let retryTimer: number | undefined;
    let retryDelayMs = 1000;
    let closed = false;

    const connect = (): void => {
        source = new EventSource(eventsPath);
        source.addEventListener('workspace', message => {
            try {
                handlers.onDidChangeWorkspace(JSON.parse((message as MessageEvent<string>).data) as WorkspaceEvent);
            } catch (error) {
                console.error('Warren: a workspace event that is not JSON', error);
            }
        });
        source.addEventListener('open', () => {
            retryDelayMs = 1000;
            window.clearTimeout(downTimer);
            if (reportedDown) {
                reportedDown = false;
                handlers.onDidChangeConnection?.(true);
            }
            if (failing) {
                failing = false;
                handlers.onDidReconnect?.();
            }
        });
        source.addEventListener('error', () => {
            if (!failing) {
                failing = true;
                downTimer = window.setTimeout(() => {
                    reportedDown = true;
                    handlers.onDidChangeConnection?.(false);
                }, reportDownAfterMs);
            }
            if (source?.readyState === EventSource.CLOSED) {
                // The browser gave up (an HTTP error such as 401, or a proxy's page): retry ourselves.
                retryLater();
            }
        });
    };

    const retryLater = (): void => {
        source?.close();
        retryTimer = window.setTimeout(async () => {
            retryDelayMs = Math.min(retryDelayMs * 2, maxRetryDelayMs);
            try {
                // An ended session goes to the sign-in page from here.
                await request('GET', '/api/v1/session');
            } catch {
                // The gateway is still down; the next connect fails and retries again.
            }
            if (!closed) {
                connect();
            }
        }, retryDelayMs);
    };

    connect();
    return {
        close: () => {
            closed = true;
            window.clearTimeout(downTimer);
            window.clearTimeout(retryTimer);
            source?.close();
        }
    };
}
