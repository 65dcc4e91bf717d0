/** The label of the idle warning's button; choosing it counts as user input. */
export const KEEP_WORKING = 'Keep working';

/** Shown once every frontend has saved, before the workspace manager stops the workspace (idle or asked to). */
export const STOPPING_MESSAGE = 'Warren is stopping this workspace; your files are saved.';

/** `This workspace has been idle and stops in 2 minutes. …` */
export function idleWarningMessage(stopsInSeconds: number): string {
    return `This workspace has been idle and stops in ${formatDuration(stopsInSeconds)}. Your open editors will be saved first.`;
}

/**
 * Why a stop waits, for the person who can fix it; `unsaved` as {@link unsavedEditor} writes each.
 * The workspace manager asks again every few seconds and stops once nothing is left unsaved.
 */
export function unsavedMessage(unsaved: readonly string[]): string {
    return `Warren is holding back the stop of this workspace: it could not save ${unsaved.join('; ')}. ` +
        `Save or close ${unsaved.length === 1 ? 'it' : 'them'} and the stop goes on.`;
}

/**
 * One thing a stop could not save: the editor (its file's path, or `Untitled-1`) and why, in words the
 * person can act on. It reads after "could not save ": `Untitled-1 (never saved: give it a name)`.
 */
export function unsavedEditor(editor: string, why: string): string {
    return `${editor} (${why})`;
}

/** Why an untitled editor is not saved: it has no file to go to. */
export const NEVER_SAVED = 'never saved: give it a name';
/** Why an editor of a read-only file is not saved. */
export const READ_ONLY = 'read-only';
/** The save went through without an error, but the editor is still dirty (a dialog declined, or typing meanwhile). */
export const STILL_DIRTY = 'still unsaved after saving: save it yourself to see why';

/**
 * Why a save threw. @theia/filesystem's FileOperationError says what went wrong in `fileOperationResult`
 * (a const enum of a package this one does not depend on, hence the numbers); anything else by its message.
 */
export function saveFailure(err: unknown): string {
    const result = (err as { fileOperationResult?: unknown } | undefined)?.fileOperationResult;
    if (result === 5 /* FILE_READ_ONLY */) {
        return READ_ONLY;
    }
    if (result === 6 /* FILE_PERMISSION_DENIED */) {
        return 'read-only: no permission to write the file';
    }
    const message = err instanceof Error ? err.message : String(err ?? '');
    return message ? `the save failed: ${message}` : 'the save failed';
}

/** `45 seconds`, `1 minute`, `2 minutes`: whole minutes from one minute on, rounded. */
export function formatDuration(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) {
        return `${s} ${s === 1 ? 'second' : 'seconds'}`;
    }
    const minutes = Math.round(seconds / 60);
    return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
