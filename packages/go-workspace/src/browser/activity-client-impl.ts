import { ApplicationShell, FormatType, NavigatableWidget, Saveable, SaveableService, SaveReason, Widget } from '@theia/core/lib/browser';
import { Emitter, Event, MessageService } from '@theia/core/lib/common';
import { inject, injectable } from '@theia/core/shared/inversify';
import { ActivityClient, IdleWarning, SaveForStopResult } from '../common/activity-protocol';
import {
    idleWarningMessage, KEEP_WORKING, NEVER_SAVED, READ_ONLY, saveFailure, STILL_DIRTY, STOPPING_MESSAGE, unsavedEditor, unsavedMessage
} from '../common/idle-messages';

/** This frontend's side of the idle stop: the warning, saving every dirty editor, the stopping message. */
@injectable()
export class ActivityClientImpl implements ActivityClient {

    @inject(MessageService) protected readonly messages: MessageService;
    @inject(ApplicationShell) protected readonly shell: ApplicationShell;
    @inject(SaveableService) protected readonly saveables: SaveableService;

    protected readonly onDidShowWarningEmitter = new Emitter<void>();
    /** An idle warning is showing: the next input should reach the backend at once. */
    readonly onDidShowWarning: Event<void> = this.onDidShowWarningEmitter.event;
    protected readonly onDidKeepWorkingEmitter = new Emitter<void>();
    /** The person chose "Keep working" on the warning. */
    readonly onDidKeepWorking: Event<void> = this.onDidKeepWorkingEmitter.event;

    onDidWarnIdle(warning: IdleWarning): void {
        this.onDidShowWarningEmitter.fire();
        this.messages.warn(idleWarningMessage(warning.stopsInSeconds), KEEP_WORKING).then(choice => {
            if (choice === KEEP_WORKING) {
                this.onDidKeepWorkingEmitter.fire();
            }
        });
    }

    /**
     * Saves each dirty document once, exactly as typed: no formatting and no save participants
     * (saved as an auto-save would be). Untitled editors have no file to go to, and read-only ones
     * cannot be written: those are reported, each with its name and why.
     */
    async saveForStop(): Promise<SaveForStopResult> {
        const seen = new Set<Saveable>();
        const unsaved: string[] = [];
        let saved = 0;
        for (const widget of this.shell.widgets) {
            const saveable = Saveable.get(widget);
            if (!saveable?.dirty || seen.has(saveable)) {
                continue;
            }
            seen.add(saveable);
            const name = documentName(widget);
            if (!this.saveables.canSaveNotSaveAs(widget)) {
                unsaved.push(unsavedEditor(name, NEVER_SAVED));
                continue;
            }
            if (isReadOnly(saveable)) {
                // Saving it would do nothing: a read-only document has no way to write its contents.
                unsaved.push(unsavedEditor(name, READ_ONLY));
                continue;
            }
            try {
                await this.saveables.save(widget, { formatType: FormatType.OFF, saveReason: SaveReason.AfterDelay });
            } catch (err) {
                unsaved.push(unsavedEditor(name, saveFailure(err)));
                continue;
            }
            if (saveable.dirty) {
                unsaved.push(unsavedEditor(name, STILL_DIRTY));
            } else {
                saved++;
            }
        }
        if (unsaved.length) {
            this.messages.warn(unsavedMessage(unsaved));
        }
        return { saved, unsaved };
    }

    onDidPrepareStop(): void {
        this.messages.info(STOPPING_MESSAGE);
    }
}

/**
 * Whether the document is read-only: an editor's document (MonacoEditorModel, of @theia/monaco, which
 * this package does not depend on) says so with `readOnly`, true or a message saying why.
 */
function isReadOnly(saveable: Saveable): boolean {
    return !!(saveable as Saveable & { readOnly?: unknown }).readOnly;
}

/** The file's path, or the editor's name (`Untitled-1`) when it has none. */
function documentName(widget: Widget): string {
    const uri = NavigatableWidget.getUri(widget);
    return uri?.scheme === 'file' ? uri.path.fsPath() : uri?.path.base ?? widget.title.label;
}
