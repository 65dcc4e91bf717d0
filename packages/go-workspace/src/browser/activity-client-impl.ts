import { ApplicationShell, FormatType, NavigatableWidget, Saveable, SaveableService, SaveReason, Widget } from '@theia/core/lib/browser';
import { Emitter, Event, MessageService } from '@theia/core/lib/common';
import { inject, injectable } from '@theia/core/shared/inversify';
import { ActivityClient, IdleWarning, SaveForStopResult } from '../common/activity-protocol';
import { idleWarningMessage, KEEP_WORKING, STOPPING_MESSAGE, unsavedMessage } from '../common/idle-messages';

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
     * (saved as an auto-save would be). Untitled editors have no file to go to, and are reported.
     */
    async saveForStop(): Promise<SaveForStopResult> {
        const seen = new Set<Saveable>();
        const problems: string[] = [];
        let saved = 0;
        for (const widget of this.shell.widgets) {
            const saveable = Saveable.get(widget);
            if (!saveable?.dirty || seen.has(saveable)) {
                continue;
            }
            seen.add(saveable);
            const name = documentName(widget);
            if (!this.saveables.canSaveNotSaveAs(widget)) {
                problems.push(`${name} has no file yet (save it with Save As, or close it)`);
                continue;
            }
            try {
                await this.saveables.save(widget, { formatType: FormatType.OFF, saveReason: SaveReason.AfterDelay });
            } catch (err) {
                problems.push(`${name} could not be saved: ${err instanceof Error ? err.message : String(err)}`);
                continue;
            }
            if (saveable.dirty) {
                problems.push(`${name} is still unsaved after saving`);
            } else {
                saved++;
            }
        }
        if (problems.length) {
            this.messages.warn(unsavedMessage(problems));
        }
        return { saved, problems };
    }

    onDidPrepareStop(): void {
        this.messages.info(STOPPING_MESSAGE);
    }
}

/** The file's path, or the editor's name (`Untitled-1`) when it has none. */
function documentName(widget: Widget): string {
    const uri = NavigatableWidget.getUri(widget);
    return uri?.scheme === 'file' ? uri.path.fsPath() : uri?.path.base ?? widget.title.label;
}
