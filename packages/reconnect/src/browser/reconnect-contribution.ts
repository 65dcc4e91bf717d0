import { FrontendApplicationContribution, Saveable } from '@theia/core/lib/browser';
import { FrontendIdProvider } from '@theia/core/lib/browser/messaging/frontend-id-provider';
import { WebSocketConnectionSource } from '@theia/core/lib/browser/messaging/ws-connection-source';
import { WindowService } from '@theia/core/lib/browser/window/window-service';
import { MessageService, URI } from '@theia/core/lib/common';
import { ConnectionCloseService } from '@theia/core/lib/common/messaging/connection-management';
import { inject, injectable } from '@theia/core/shared/inversify';
import { EditorManager, TextEditor } from '@theia/editor/lib/browser';
import { FileService } from '@theia/filesystem/lib/browser/file-service';
import { BACKEND_RESTARTED, DISCARD, keptMessage, RELOAD_REASON_KEY, reloadedMessage, RESTORE, restoreFailed } from './reconnect-messages';
import { ResumingConnectionSource } from './resuming-connection-source';
import { UnsavedFile, UnsavedStore } from './unsaved-store';

interface ReloadReason {
    reason: typeof BACKEND_RESTARTED;
    notKept: string[];
}

/**
 * The tab's side of a lost IDE backend: keep every dirty editor's text, reload, then offer it back.
 * And the other half of the backend keeping a connection for a while after a disconnect
 * (`frontendConnectionTimeout`): a tab that closes or reloads says so, so that its connection and
 * plugin host go at once.
 */
@injectable()
export class ReconnectContribution implements FrontendApplicationContribution {

    @inject(WebSocketConnectionSource) protected readonly connectionSource: WebSocketConnectionSource;
    @inject(ConnectionCloseService) protected readonly connectionClose: ConnectionCloseService;
    @inject(FrontendIdProvider) protected readonly frontendId: FrontendIdProvider;
    @inject(EditorManager) protected readonly editors: EditorManager;
    @inject(MessageService) protected readonly messages: MessageService;
    @inject(WindowService) protected readonly windowService: WindowService;
    @inject(FileService) protected readonly files: FileService;

    protected readonly store = new UnsavedStore(window.localStorage, window.location.host);

    onStart(): void {
        if (this.connectionSource instanceof ResumingConnectionSource) {
            this.connectionSource.onBackendLost = () => this.reloadKeepingUnsaved();
        }
        window.addEventListener('pagehide', () => {
            this.connectionClose.markForClose(this.frontendId.getId()).catch(() => undefined);
        });
    }

    async onDidInitializeLayout(): Promise<void> {
        const reason = takeReloadReason();
        const offered = await this.filesToOffer();
        const names = offered.map(f => displayName(f.uri));
        if (reason) {
            this.offer(reloadedMessage(names, reason.notKept.map(displayName)), offered, 'info');
        } else if (offered.length) {
            this.offer(keptMessage(names), offered, 'warn');
        }
    }

    /** Keeps every dirty editor's text, then reloads with no "leave site?" prompt: nothing is lost by it. */
    protected reloadKeepingUnsaved(): void {
        const dirty = this.editors.all
            .filter(widget => Saveable.get(widget)?.dirty)
            .map(widget => ({ uri: widget.editor.uri.toString(), text: widget.editor.document.getText() }));
        const { notKept } = this.store.keep(dirty);
        window.sessionStorage.setItem(RELOAD_REASON_KEY, JSON.stringify({ reason: BACKEND_RESTARTED, notKept } satisfies ReloadReason));
        this.windowService.setSafeToShutDown();
        this.windowService.reload();
    }

    /** Kept files whose text differs from the file's now; the others (a stop saved them) are dropped. */
    protected async filesToOffer(): Promise<UnsavedFile[]> {
        const offered: UnsavedFile[] = [];
        for (const file of this.store.list()) {
            const current = await this.currentText(file.uri);
            if (current === file.text) {
                this.store.forget(file.uri);
            } else {
                offered.push(file);
            }
        }
        return offered;
    }

    /** The file's text on disk; undefined when it is gone (the kept text is offered then too). */
    protected async currentText(uri: string): Promise<string | undefined> {
        try {
            return (await this.files.read(new URI(uri))).value;
        } catch {
            return undefined;
        }
    }

    protected async offer(message: string, files: UnsavedFile[], level: 'info' | 'warn'): Promise<void> {
        const actions = files.length ? [RESTORE, DISCARD] : [];
        const choice = level === 'info' ? await this.messages.info(message, ...actions) : await this.messages.warn(message, ...actions);
        if (choice === RESTORE) {
            for (const file of files) {
                await this.restore(file).catch(err => this.messages.error(restoreFailed(displayName(file.uri), err)));
            }
        } else if (choice === DISCARD) {
            files.forEach(file => this.store.forget(file.uri));
        }
    }

    /** Puts the kept text into the file's editor as one undoable edit: the editor is dirty, nothing is saved. */
    protected async restore(file: UnsavedFile): Promise<void> {
        const widget = await this.editors.open(new URI(file.uri), { mode: 'activate' });
        const editor: TextEditor = widget.editor;
        const all = editor.document.toValidRange({ start: { line: 0, character: 0 }, end: { line: editor.document.lineCount, character: 0 } });
        await editor.executeEdits([{ range: all, newText: file.text }]);
        this.store.forget(file.uri);
    }
}

function takeReloadReason(): ReloadReason | undefined {
    const value = window.sessionStorage.getItem(RELOAD_REASON_KEY);
    window.sessionStorage.removeItem(RELOAD_REASON_KEY);
    try {
        const reason = JSON.parse(value ?? '') as ReloadReason;
        return reason?.reason === BACKEND_RESTARTED ? { reason: reason.reason, notKept: Array.isArray(reason.notKept) ? reason.notKept : [] } : undefined;
    } catch {
        return undefined;
    }
}

function displayName(uri: string): string {
    return new URI(uri).path.base;
}
