/** The label of the idle warning's button; choosing it counts as user input. */
export const KEEP_WORKING = 'Keep working';

/** Shown once every frontend has saved, before the gateway stops the workspace. */
export const STOPPING_MESSAGE = 'Warren is stopping this idle workspace; your files are saved.';

/** `This workspace has been idle and stops in 2 minutes. …` */
export function idleWarningMessage(stopsInSeconds: number): string {
    return `This workspace has been idle and stops in ${formatDuration(stopsInSeconds)}. Your open editors will be saved first.`;
}

/** Why a stop was refused, for the person who can fix it. */
export function unsavedMessage(problems: readonly string[]): string {
    return `Warren did not stop this idle workspace because not everything could be saved: ${problems.join('; ')}.`;
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
