// The dashboard: the tenant's workspaces with live status, a form for a new one, and their actions.
import { ApiError, GitCredentialsView, listWorkspaces, request, Session, signOut, Workspace, WorkspaceClass, workspaceAction } from './api.js';
import { byId, el, showMessage } from './dom.js';
import { watchWorkspaces, WorkspaceEvent } from './events.js';
import { WorkspaceRow, WorkspaceRowActions } from './workspace-row.js';

const list = byId<HTMLUListElement>('workspaces');
const announcer = byId('announcer');
const pageMessage = byId('page-message');

function describe(error: unknown): string {
    return error instanceof ApiError ? error.message : String(error);
}

// --- The list. Updates come from three sources that can race: the event stream (always newest),
// answers to this page's own requests, and full list fetches. Each change gets a number; an
// answer or a list entry is applied only when no event for that workspace came after its request began.

const rows = new Map<string, WorkspaceRow>();
const changedAt = new Map<string, number>();
let changeCount = 0;
let loaded = false;

function upsert(workspace: Workspace): WorkspaceRow {
    let row = rows.get(workspace.id);
    if (row) {
        row.update(workspace);
        return row;
    }
    row = new WorkspaceRow(workspace, rowActions);
    rows.set(workspace.id, row);
    const before = [...rows.values()].filter(other => other !== row && compare(other.workspace, workspace) > 0)
        .sort((a, b) => compare(a.workspace, b.workspace))[0];
    list.insertBefore(row.element, before?.element ?? null);
    renderSummary();
    return row;
}

function compare(a: Workspace, b: Workspace): number {
    return (a.name || a.id).localeCompare(b.name || b.id) || a.id.localeCompare(b.id);
}

function remove(id: string): void {
    const row = rows.get(id);
    if (!row) {
        return;
    }
    const hadFocus = row.element.contains(document.activeElement);
    row.element.remove();
    rows.delete(id);
    if (hadFocus) {
        byId('list-heading').focus();
    }
    showMessage(announcer, `Deleted ${row.workspace.name || id}.`);
    renderSummary();
}

function renderSummary(): void {
    byId('count').textContent = loaded ? String(rows.size) : '';
    byId('empty').hidden = !loaded || rows.size > 0;
    byId('loading').hidden = loaded;
}

function onEvent(event: WorkspaceEvent): void {
    changedAt.set(event.workspace.id, ++changeCount);
    if (event.deleted) {
        remove(event.workspace.id);
    } else {
        apply(event.workspace);
    }
}

/** Takes a workspace unless the row already shows a newer status (the manager's version orders them). */
function apply(workspace: Workspace): WorkspaceRow | undefined {
    const known = rows.get(workspace.id);
    if (known && known.workspace.createdAt === workspace.createdAt && known.workspace.version > workspace.version) {
        return known;
    }
    return upsert(workspace);
}

/** Applies a request's answer unless the workspace was deleted since the request began, or a newer status came. */
function applyAnswer(workspace: Workspace, since: number): WorkspaceRow | undefined {
    if (!rows.has(workspace.id) && (changedAt.get(workspace.id) ?? 0) > since) {
        return undefined;
    }
    changedAt.set(workspace.id, ++changeCount);
    return apply(workspace);
}

async function refreshList(): Promise<void> {
    const since = changeCount;
    try {
        const workspaces = await listWorkspaces();
        const ids = new Set(workspaces.map(workspace => workspace.id));
        for (const id of [...rows.keys()]) {
            if (!ids.has(id) && (changedAt.get(id) ?? 0) <= since) {
                remove(id);
            }
        }
        for (const workspace of workspaces) {
            applyAnswer(workspace, since);
        }
        loaded = true;
        showMessage(pageMessage, '');
        renderSummary();
    } catch (error) {
        showMessage(pageMessage, `Could not load the workspaces: ${describe(error)}`);
    }
}

// --- Actions on one workspace.

/** Runs a request for one row; whether it succeeded (else the row shows why). */
async function act(row: WorkspaceRow, call: () => Promise<Workspace>): Promise<boolean> {
    const since = changeCount;
    row.setBusy(true);
    row.showError('');
    try {
        applyAnswer(await call(), since);
        return true;
    } catch (error) {
        row.showError(describe(error));
        return false;
    } finally {
        row.setBusy(false);
    }
}

const rowActions: WorkspaceRowActions = {
    start: row => void act(row, () => workspaceAction(row.id, 'start')),
    startAndOpen: async row => {
        if (await act(row, () => workspaceAction(row.id, 'start'))) {
            location.assign(row.workspace.openPath);
        }
    },
    stop: row => void act(row, () => workspaceAction(row.id, 'stop')),
    forceStop: row => void act(row, () => workspaceAction(row.id, 'stop', { force: true })),
    delete: async row => {
        if (await confirmDelete(row.workspace)) {
            await act(row, async () =>
                (await request<{ workspace: Workspace }>('DELETE', `/api/v1/workspaces/${encodeURIComponent(row.id)}`)).workspace);
        }
    }
};

function confirmDelete(workspace: Workspace): Promise<boolean> {
    const dialog = byId<HTMLDialogElement>('delete-dialog');
    byId('delete-title').textContent = `Delete ${workspace.name || workspace.id}?`;
    byId('delete-text').replaceChildren(
        'The workspace ', el('strong', {}, workspace.name || workspace.id), ' (', el('code', {}, workspace.id), ') ',
        'and all its files will be deleted. This cannot be undone.');
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'delete'), { once: true }));
}

// --- The new-workspace form.

const form = byId<HTMLFormElement>('create-form');
const nameInput = byId<HTMLInputElement>('name');
const classSelect = byId<HTMLSelectElement>('class');
const createButton = byId<HTMLButtonElement>('create');
const createMessage = byId('create-message');
const repositoryInput = byId<HTMLInputElement>('repository');
const refInput = byId<HTMLInputElement>('ref');
const folderInput = byId<HTMLInputElement>('folder');
let classes: WorkspaceClass[] = [];
/** The name the repository suggested last: the name follows the URL until someone types one of their own. */
let suggestedName = '';

/** A repository's name from its URL ("https://host/team/My_API.git" → "My_API"), as the name's suggestion. */
function repositoryName(url: string): string {
    const last = url.trim().replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/\.git$/, '').split(/[/:]/).pop() ?? '';
    return /[a-z]/i.test(last) ? last : '';
}

function renderRepository(): void {
    const url = repositoryInput.value.trim();
    byId('ref-field').hidden = !url;
    byId('folder-field').hidden = !url;
    const hint = byId('repository-hint');
    hint.textContent = url ? 'Cloned on its first start. A private one needs a token below (Git credentials).' : 'Empty: the server\'s starter files.';
    if (nameInput.value === suggestedName) {
        suggestedName = repositoryName(url);
        nameInput.value = suggestedName;
        renderIdHint();
    }
}

/** The id the gateway derives from a name: lower case, runs of other characters as "-", at most 40. */
function deriveId(name: string): string {
    const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    return id.slice(0, 40).replace(/-+$/, '');
}

function renderIdHint(): void {
    const id = deriveId(nameInput.value);
    const hint = byId('id-hint');
    if (!id) {
        hint.textContent = 'Its ID comes from the name.';
    } else if (!/^[a-z]/.test(id)) {
        hint.textContent = 'Its ID comes from the name and must start with a letter.';
    } else {
        hint.replaceChildren('ID: ', el('code', {}, id));
    }
}

function renderClassHint(): void {
    const chosen = classes.find(c => c.name === classSelect.value);
    const parts: string[] = [];
    if (chosen?.gpuCount) {
        parts.push(`${chosen.gpuCount} × ${chosen.gpuResource}.`);
    }
    if (chosen?.idleTimeoutSeconds) {
        parts.push(`Stops after ${Math.round(chosen.idleTimeoutSeconds / 60)} minutes without use.`);
    }
    byId('class-hint').textContent = parts.join(' ');
}

async function loadClasses(): Promise<void> {
    try {
        classes = (await request<{ classes: WorkspaceClass[] }>('GET', '/api/v1/classes')).classes;
    } catch (error) {
        showMessage(createMessage, `Could not load the workspace classes: ${describe(error)}`);
        return;
    }
    classSelect.replaceChildren(...classes.map(c =>
        el('option', { value: c.name }, c.description ? `${c.name} — ${c.description}` : c.name)));
    if (!classes.length) {
        showMessage(createMessage, 'No workspace classes are configured: ask an admin to define one.');
    }
    renderClassHint();
}

form.addEventListener('submit', async event => {
    event.preventDefault();
    const since = changeCount;
    createButton.disabled = true;
    showMessage(createMessage, '');
    try {
        const repository = repositoryInput.value.trim();
        const { workspace } = await request<{ workspace: Workspace }>('POST', '/api/v1/workspaces', {
            name: nameInput.value.trim(), className: classSelect.value,
            ...(repository ? { repository, ref: refInput.value.trim(), folder: folderInput.value.trim() } : {})
        });
        const row = applyAnswer(workspace, since);
        row?.highlight();
        row?.element.scrollIntoView({ block: 'nearest' });
        form.reset();
        suggestedName = '';
        classSelect.value = workspace.className;
        renderIdHint();
        renderRepository();
        showMessage(announcer, `Created ${workspace.name || workspace.id}.`);
    } catch (error) {
        showMessage(createMessage, describe(error));
        nameInput.focus();
    } finally {
        createButton.disabled = false;
    }
});
nameInput.addEventListener('input', renderIdHint);
repositoryInput.addEventListener('input', renderRepository);
classSelect.addEventListener('change', renderClassHint);

// --- Git credentials: loaded when the section is opened (the SSH key is made on first use).

const credentials = byId<HTMLDetailsElement>('credentials');
const credentialForm = byId<HTMLFormElement>('credential-form');
const credentialMessage = byId('credential-message');

function renderCredentials(view: GitCredentialsView): void {
    const list = byId('credential-list');
    list.replaceChildren(...view.credentials.map(c => {
        const remove = el('button', { type: 'button', class: 'button button-quiet-danger', 'aria-label': `Remove ${c.host}` }, 'Remove');
        remove.addEventListener('click', () => void credentialCall(() => request<GitCredentialsView>('DELETE', `/api/v1/credentials/${encodeURIComponent(c.host)}`),
            `Removed the token for ${c.host}.`));
        return el('li', { 'data-host': c.host }, el('code', {}, c.host), el('span', { class: 'hint' }, `as ${c.username}, added ${new Date(c.createdAt).toLocaleDateString()}`), remove);
    }));
    if (!view.credentials.length) {
        list.replaceChildren(el('li', { class: 'hint' }, 'No tokens yet.'));
    }
    byId('ssh-key').textContent = view.sshPublicKey;
    byId('ssh-fingerprint').textContent = view.sshFingerprint;
}

async function credentialCall(call: () => Promise<GitCredentialsView>, done: string): Promise<boolean> {
    showMessage(credentialMessage, '');
    try {
        renderCredentials(await call());
        showMessage(announcer, done);
        return true;
    } catch (error) {
        showMessage(credentialMessage, describe(error));
        return false;
    }
}

credentials.addEventListener('toggle', () => {
    if (credentials.open) {
        void credentialCall(() => request<GitCredentialsView>('GET', '/api/v1/credentials'), 'Git credentials loaded.');
    }
});
credentialForm.addEventListener('submit', async event => {
    event.preventDefault();
    const host = byId<HTMLInputElement>('credential-host').value.trim();
    const button = byId<HTMLButtonElement>('credential-add');
    button.disabled = true;
    const added = await credentialCall(() => request<GitCredentialsView>('POST', '/api/v1/credentials', {
        host, username: byId<HTMLInputElement>('credential-username').value.trim(), token: byId<HTMLInputElement>('credential-token').value.trim()
    }), `Kept a token for ${host}.`);
    button.disabled = false;
    if (added) {
        credentialForm.reset();
    }
});
byId('ssh-copy').addEventListener('click', () => {
    navigator.clipboard.writeText(byId('ssh-key').textContent ?? '').then(
        () => showMessage(announcer, 'Copied the SSH public key.'),
        () => showMessage(credentialMessage, 'Could not copy: select the key and copy it by hand.'));
});

// --- The page.

async function loadSession(): Promise<void> {
    try {
        const session = await request<Session>('GET', '/api/v1/session');
        byId('account').replaceChildren(
            el('span', { class: 'account-user' }, session.user),
            el('span', { class: 'account-tenant', title: 'Tenant' }, session.tenant));
    } catch (error) {
        showMessage(pageMessage, describe(error));
    }
}

byId('sign-out').addEventListener('click', async event => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
        await signOut();
    } catch (error) {
        showMessage(pageMessage, `Could not sign out: ${describe(error)}`);
        button.disabled = false;
    }
});

watchWorkspaces({
    onDidChangeWorkspace: onEvent,
    onDidChangeConnection: connected => {
        const connection = byId('connection');
        connection.replaceChildren(...connected ? [] : [el('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Reconnecting…']);
    },
    onDidReconnect: () => void refreshList()
});
void loadSession();
void loadClasses();
void refreshList();
renderIdHint();
