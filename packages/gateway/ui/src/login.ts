// The sign-in page: a password form when the gateway has one, and the login-link explanation.
import { ApiError, request, Session } from './api.js';
import { byId, queryParameter, showMessage } from './dom.js';

const form = byId<HTMLFormElement>('password-form');
const username = byId<HTMLInputElement>('username');
const password = byId<HTMLInputElement>('password');
const submit = byId<HTMLButtonElement>('sign-in');
const message = byId('message');
const tokenHelp = byId('token-help');

/** Where to go after signing in: only a path of this origin, never another site ("//host", "/\host"). */
function nextPath(next: string | undefined): string {
    if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) {
        return '/';
    }
    return next;
}

const next = nextPath(queryParameter('next'));

function showMethods(methods: string[]): void {
    const password = methods.includes('password');
    form.hidden = !password;
    tokenHelp.hidden = false;
    byId('token-help-lead').textContent = password ? 'Or sign' : 'Sign';
    if (password) {
        username.focus();
    }
}

async function start(): Promise<void> {
    const error = queryParameter('error');
    showMessage(message, error ?? '');
    try {
        await request<Session>('GET', '/api/v1/session', undefined, { allowUnauthorized: true });
        if (!error) {
            location.replace(next);
            return;
        }
        showMethods(['password', 'token']);
    } catch (failure) {
        // A 401 is the usual answer here and lists the sign-in methods; anything else is worth showing.
        const methods = failure instanceof ApiError && Array.isArray(failure.body.methods) ? failure.body.methods as string[] : undefined;
        if (!(failure instanceof ApiError && failure.status === 401)) {
            showMessage(message, failure instanceof ApiError ? failure.message : String(failure));
        }
        showMethods(methods ?? ['password', 'token']);
    }
}

form.addEventListener('submit', async event => {
    event.preventDefault();
    submit.disabled = true;
    showMessage(message, '');
    let retryAfterMs = 0;
    try {
        await request('POST', '/api/v1/session', { username: username.value, password: password.value }, { allowUnauthorized: true });
        location.replace(next);
        return;
    } catch (failure) {
        showMessage(message, failure instanceof ApiError ? failure.message : String(failure));
        if (failure instanceof ApiError && failure.status === 429) {
            retryAfterMs = Math.min(failure.retryAfterSeconds ?? 60, 300) * 1000;
        } else {
            password.select();
        }
    }
    window.setTimeout(() => { submit.disabled = false; }, retryAfterMs);
});

void start();
