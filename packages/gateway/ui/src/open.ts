// The "opening workspace" page at /open/<id>: shows the workspace, starts it when the person asks
// (a POST, which the gateway takes only from its own origin: a link from another site leads here
// too, and must start nothing), shows its progress live, and goes to the IDE (/open/<id>/go) once it runs.
import { ApiError, listWorkspaces, Phase, Workspace, workspaceAction } from './api.js';
import { byId, showMessage } from './dom.js';
import { watchWorkspaces } from './events.js';

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const steps = [...byId('steps').querySelectorAll<HTMLLIElement>('.step')];
const status = byId('status');
const problem = byId('problem');
const retry = byId<HTMLButtonElement>('retry');
const startButton = byId<HTMLButtonElement>('start');

/** Which step each phase is in, while the workspace is on its way to running. */
const stepOfPhase: Partial<Record<Phase, number>> = { pending: 0, creating: 0, stopping: 0, stopped: 0, starting: 1, running: 2 };
const phaseStatus: Partial<Record<Phase, string>> = {
    pending: 'Waiting for its turn to start…',
    creating: 'Creating the workspace…',
    stopping: 'Waiting for it to finish stopping…',
    stopped: 'Starting the workspace…',
    starting: 'Starting the IDE…',
    running: 'Ready: opening the IDE…'
};
const stateText = { done: 'done', active: 'in progress', failed: 'failed', todo: '' };

let current: Workspace | undefined;
let eventCount = 0;
let activeStep = 0;
/** The first fetch has decided what to do; events before it only update `current`. */
let loaded = false;
let leaving = false;
/** What "Try again" does: start the workspace, or load it again when that failed. */
let retryAction: () => Promise<void> = start;

function showSteps(active: number, failed = false): void {
    activeStep = active;
    steps.forEach((step, index) => {
        const state = index < active ? 'done' : index > active ? 'todo' : failed ? 'failed' : 'active';
        step.dataset.state = state;
        step.querySelector('.step-state')!.textContent = stateText[state] ? ` (${stateText[state]})` : '';
        step.toggleAttribute('aria-current', index === active);
    });
}

function showProblem(message: string, canRetry: boolean): void {
    showSteps(activeStep, true);
    showMessage(status, '');
    showMessage(problem, message);
    startButton.hidden = true;
    retry.hidden = !canRetry;
    retry.disabled = false;
}

/** A stopped workspace waits for the person to start it. */
function showStopped(name: string): void {
    showSteps(-1);
    showMessage(problem, '');
    showMessage(status, `${name} is stopped: start it to open the IDE.`);
    retry.hidden = true;
    startButton.hidden = false;
    startButton.disabled = false;
}

function render(workspace: Workspace): void {
    if (leaving) {
        return;
    }
    current = workspace;
    const name = workspace.name || workspace.id;
    byId('title').textContent = `Opening ${name}`;
    byId('subtitle').textContent = `${workspace.id} · ${workspace.className}`;
    document.title = `Opening ${name} · Warren`;
    const { phase } = workspace;
    if (phase === 'failed') {
        showProblem(`It could not start: ${workspace.failureReason || 'no reason was recorded.'}`, true);
    } else if (phase === 'deleting') {
        showProblem('This workspace is being deleted.', false);
    } else if (workspace.desiredState === 'stopped') {
        showStopped(name);
    } else {
        showMessage(problem, '');
        retry.hidden = true;
        startButton.hidden = true;
        showSteps(phase === 'running' ? steps.length : stepOfPhase[phase] ?? 0);
        // What the reconciler last observed (such as "waiting for a GPU of class gpu") says more than the phase.
        const condition = phase === 'running' ? undefined : workspace.conditions?.at(-1);
        // A clone's progress (git's "Receiving objects: 45% (450/1000)") says most while its files are made.
        const progress = phase === 'creating' && workspace.progress ? `Cloning ${workspace.source.replace(/#.*$/, '')}: ${workspace.progress}` : '';
        showMessage(status, progress || (condition ? condition[0].toUpperCase() + condition.slice(1) : phaseStatus[phase] ?? ''));
        if (phase === 'running') {
            leaving = true;
            location.replace(`/open/${encodeURIComponent(workspace.id)}/go`);
        }
    }
}

function showNotFound(): void {
    leaving = true;
    byId('title').textContent = `No workspace ${id}`;
    document.title = 'No such workspace · Warren';
    byId('steps').hidden = true;
    showMessage(status, '');
    showMessage(problem, `There is no workspace with the ID ${id}, or it was deleted.`);
    retry.hidden = true;
    startButton.hidden = true;
}

async function start(): Promise<void> {
    const since = eventCount;
    retryAction = start;
    retry.disabled = true;
    startButton.hidden = true;
    showMessage(problem, '');
    showSteps(0);
    showMessage(status, 'Starting the workspace…');
    try {
        const workspace = await workspaceAction(id, 'start');
        if (eventCount === since) {
            render(workspace);
        }
    } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
            showNotFound();
        } else {
            showProblem(error instanceof ApiError ? error.message : String(error), true);
        }
    }
}

/** Fetches the workspace; an event that arrived meanwhile is newer than the answer. */
async function fetchWorkspace(): Promise<Workspace | undefined> {
    const since = eventCount;
    const found = (await listWorkspaces()).find(workspace => workspace.id === id);
    return eventCount === since ? found : current;
}

async function load(): Promise<void> {
    let workspace: Workspace | undefined;
    try {
        workspace = await fetchWorkspace();
    } catch (error) {
        showProblem(`Could not load the workspace: ${error instanceof ApiError ? error.message : String(error)}`, true);
        retryAction = load;
        return;
    }
    loaded = true;
    if (!workspace) {
        showNotFound();
    } else {
        render(workspace);
    }
}

retry.addEventListener('click', () => void retryAction());
startButton.addEventListener('click', () => void start());

watchWorkspaces({
    onDidChangeWorkspace: ({ workspace, deleted }) => {
        if (workspace.id !== id) {
            return;
        }
        eventCount++;
        if (deleted) {
            showNotFound();
        } else if (loaded) {
            render(workspace);
        } else {
            current = workspace;
        }
    },
    onDidChangeConnection: connected => {
        if (!connected && !leaving) {
            showMessage(status, 'Reconnecting…');
        }
    },
    onDidReconnect: async () => {
        const workspace = await fetchWorkspace().catch(() => current);
        if (!workspace) {
            showNotFound();
        } else {
            render(workspace);
        }
    }
});
void load();
