// One workspace in the dashboard's list: name, status badge, failure reason, actions and errors.
// Built once and updated in place, so that keyboard focus survives live status changes.
import { busyPhases, Phase, phaseLabels, stopHeldBack, Workspace } from './api.js';
import { el, showMessage } from './dom.js';

export interface WorkspaceRowActions {
    start(row: WorkspaceRow): void;
    /** Opens a stopped workspace: starts it from this page first, since the open page starts nothing by itself. */
    startAndOpen(row: WorkspaceRow): void;
    stop(row: WorkspaceRow): void;
    /** Stops although some editors could not be saved. */
    forceStop(row: WorkspaceRow): void;
    delete(row: WorkspaceRow): void;
}

/** The phases in which a button shows; Open shows always (for a stopped workspace it starts it: startAndOpen). */
const startPhases: readonly Phase[] = ['stopped', 'failed'];
/** Stop also cancels a start that is still waiting (for example for a GPU), not only a running workspace. */
const stopPhases: readonly Phase[] = ['pending', 'creating', 'starting', 'running'];

export class WorkspaceRow {
    readonly element: HTMLLIElement;
    protected readonly nameElement = el('h3', { class: 'workspace-name', tabindex: '-1' });
    protected readonly className = el('span', { title: 'Class' });
    protected readonly source = el('span', { class: 'workspace-source', title: 'Repository' });
    protected readonly badge = el('span', { class: 'badge' });
    protected readonly detail = el('p', { class: 'workspace-detail' });
    protected readonly failure = el('p', { class: 'workspace-failure' });
    protected readonly error = el('p', { class: 'message message-error', role: 'alert' });
    protected readonly open = el('a', { class: 'button button-primary' }, 'Open');
    protected readonly startButton = el('button', { type: 'button', class: 'button' }, 'Start');
    protected readonly stopButton = el('button', { type: 'button', class: 'button' }, 'Stop');
    protected readonly forceStopButton = el('button', { type: 'button', class: 'button button-quiet-danger' }, 'Stop anyway');
    protected readonly held = el('p', { class: 'workspace-failure', role: 'status' });
    protected readonly deleteButton = el('button', { type: 'button', class: 'button button-quiet-danger' }, 'Delete');
    protected busy = false;

    constructor(public workspace: Workspace, actions: WorkspaceRowActions) {
        const nameId = `workspace-${workspace.id}-name`;
        this.nameElement.id = nameId;
        for (const button of [this.open, this.startButton, this.stopButton, this.forceStopButton, this.deleteButton]) {
            // Screen readers hear "Stop, My service": the visible text stays the bare verb.
            button.setAttribute('aria-describedby', nameId);
        }
        this.startButton.addEventListener('click', () => actions.start(this));
        this.open.addEventListener('click', event => {
            // A plain click only: a new tab gets the open page, which offers to start it.
            const plain = event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
            if (plain && this.workspace.desiredState === 'stopped' && this.workspace.phase !== 'deleting') {
                event.preventDefault();
                actions.startAndOpen(this);
            }
        });
        this.stopButton.addEventListener('click', () => actions.stop(this));
        this.forceStopButton.addEventListener('click', () => actions.forceStop(this));
        this.deleteButton.addEventListener('click', () => actions.delete(this));
        this.element = el('li', { class: 'workspace', 'data-workspace': workspace.id },
            el('div', { class: 'workspace-main' },
                this.nameElement,
                el('p', { class: 'workspace-meta' }, el('code', { title: 'ID' }, workspace.id), this.className, this.source)),
            el('div', { class: 'workspace-status' }, this.badge, this.detail),
            el('div', { class: 'workspace-actions' }, this.open, this.startButton, this.stopButton, this.forceStopButton, this.deleteButton),
            this.failure,
            this.held,
            this.error);
        this.update(workspace);
    }

    get id(): string {
        return this.workspace.id;
    }

    update(workspace: Workspace): void {
        const hadFocus = this.element.contains(document.activeElement);
        this.workspace = workspace;
        const { phase } = workspace;
        this.nameElement.textContent = workspace.name || workspace.id;
        this.className.textContent = workspace.className;
        this.source.textContent = workspace.source;
        this.source.hidden = !workspace.source;

        this.badge.dataset.phase = phase;
        this.badge.classList.toggle('badge-busy', busyPhases.includes(phase));
        this.badge.replaceChildren(el('span', { class: 'badge-icon', 'aria-hidden': 'true' }), phaseLabels[phase] ?? phase);
        const condition = workspace.conditions?.at(-1) ?? '';
        const idle = phase === 'running' && workspace.idleStopsAt
            ? `Idle: stops at ${new Date(workspace.idleStopsAt).toLocaleTimeString()} unless used.` : '';
        const progress = phase === 'creating' && workspace.progress ? `Cloning: ${workspace.progress}` : '';
        showMessage(this.detail, busyPhases.includes(phase) ? progress || condition : idle);
        // A stop that waits for editors the IDE could not save: say which, and offer to stop anyway.
        const held = stopHeldBack(workspace);
        this.held.hidden = !held;
        this.held.textContent = held ? `Stop held back: the IDE ${held}` : '';
        this.failure.hidden = phase !== 'failed';
        this.failure.textContent = workspace.failureReason || 'The workspace failed without a recorded reason.';

        const deleting = phase === 'deleting';
        if (deleting) {
            this.open.removeAttribute('href');
        } else {
            this.open.href = workspace.openPath;
        }
        this.open.title = deleting ? '' : workspace.url;
        this.open.setAttribute('aria-disabled', String(deleting));
        this.startButton.hidden = !startPhases.includes(phase);
        this.stopButton.hidden = !stopPhases.includes(phase) || !!held;
        this.forceStopButton.hidden = !held;
        this.deleteButton.hidden = deleting;
        this.setBusy(this.busy);

        if (hadFocus && !this.element.contains(document.activeElement)) {
            // The focused button went away with the phase: keep the keyboard user in this row.
            (deleting ? this.nameElement : this.open).focus();
        }
    }

    /** Disables the buttons while a request for this workspace is in flight. */
    setBusy(busy: boolean): void {
        this.busy = busy;
        this.element.setAttribute('aria-busy', String(busy));
        for (const button of [this.startButton, this.stopButton, this.forceStopButton, this.deleteButton]) {
            button.disabled = busy;
        }
    }

    showError(message: string): void {
        showMessage(this.error, message);
    }

    /** Draws the eye to a row that just appeared. */
    highlight(): void {
        this.element.classList.add('workspace-new');
        window.setTimeout(() => this.element.classList.remove('workspace-new'), 2000);
    }
}
