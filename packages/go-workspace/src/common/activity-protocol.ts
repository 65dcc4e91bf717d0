import type { IdleWarningRequest } from '@warren/workspace-api/lib/ide-contract';

/** Where the backend serves the activity service: frontends report user input, the backend asks them to warn and save. */
export const ACTIVITY_SERVICE_PATH = '/services/warren/activity';

export const ActivityService = Symbol('ActivityService');

/**
 * What a frontend tells the backend about the person using it, for Warren's idle stop.
 *
 * Theia's RPC sends a call whose name starts with `notify` or `on` as a notification: no answer
 * comes back. The frontend never waits for one here.
 */
export interface ActivityService {
    /** Someone typed, clicked, scrolled or touched in this frontend since its last report. */
    notifyUserInput(): void;
}

export const ActivityClient = Symbol('ActivityClient');

/** What the backend asks of each connected frontend when the workspace nears its idle stop. */
export interface ActivityClient {
    /** Warn that the workspace stops soon unless someone uses it (a notification: nothing is awaited). */
    onDidWarnIdle(warning: IdleWarning): void;
    /**
     * Saves every dirty editor of this frontend and says what could not be saved.
     * A request, not an `on…` notification, because the backend needs the answer (see {@link ActivityService}).
     */
    saveForStop(): Promise<SaveForStopResult>;
    /** All frontends saved: tell the person that the workspace is stopping. */
    onDidPrepareStop(): void;
}

/** The idle-warning request as the workspace manager sends it: seconds until it stops the workspace, counted from when it was sent. */
export type IdleWarning = IdleWarningRequest;

export interface SaveForStopResult {
    /** How many dirty documents were saved (a document open in several editors counts once). */
    saved: number;
    /**
     * One entry per document that is still unsaved, naming it and why (see `unsavedEditor` in idle-messages.ts),
     * e.g. `Untitled-1 (never saved: give it a name)`, `/home/me/hello/main.go (read-only)`.
     */
    unsaved: string[];
}
