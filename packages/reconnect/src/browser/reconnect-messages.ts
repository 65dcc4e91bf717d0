/** What the tab says about a reload after its IDE backend restarted. */

export const RESTORE = 'Restore';
export const DISCARD = 'Discard';

/** Why the tab reloaded itself, kept in session storage across the reload. */
export const RELOAD_REASON_KEY = 'warren.reloadReason';
export const BACKEND_RESTARTED = 'backend-restarted';

export function reloadedMessage(unsaved: string[], notKept: string[]): string {
    const lines = ['The IDE restarted, so this tab reloaded to reconnect to it.'];
    if (unsaved.length) {
        lines.push(`Unsaved changes were kept from before: ${unsaved.join(', ')}. Restore them into the editor?`);
    }
    if (notKept.length) {
        lines.push(`The browser's storage was full, so the unsaved changes to ${notKept.join(', ')} could not be kept.`);
    }
    return lines.join(' ');
}

export function keptMessage(unsaved: string[]): string {
    return `Unsaved changes from an earlier session of this tab were kept: ${unsaved.join(', ')}. Restore them into the editor?`;
}

export function restoreFailed(name: string, err: unknown): string {
    return `Could not restore the unsaved changes to ${name}: ${err instanceof Error ? err.message : String(err)}. They are still kept, and offered again on the next reload.`;
}
