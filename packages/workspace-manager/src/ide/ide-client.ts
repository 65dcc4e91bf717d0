import { IDE_SECRET_HEADER, IdleWarningRequest, PREPARE_STOP_PATH, IDLE_WARNING_PATH, PrepareStopRefusal, PrepareStopResponse } from '@warren/workspace-api';
import { WorkspaceTokens } from './workspace-tokens';

/** What an IDE said to "save your editors, you are about to stop". */
export type PrepareStopOutcome =
    | { kind: 'saved'; clients: number; saved: number }
    /** Something could not be saved: stopping now would lose it. */
    | { kind: 'refused'; unsaved: string[]; message: string }
    /** No answer, or no such endpoint: nothing unsaved can be reached there. */
    | { kind: 'unreachable'; message: string };

/** The manager's calls to a workspace's IDE, with the workspace's token (see workspace-api's ide-contract). */
export class IdeClient {
    constructor(protected readonly tokens: WorkspaceTokens, protected readonly timeoutMs = 30_000) { }

    async prepareStop(ws: { tenant: string; id: string }, ideUrl: string): Promise<PrepareStopOutcome> {
        let answer: { status: number; body: Record<string, unknown> };
        try {
            answer = await this.call(ws, ideUrl, PREPARE_STOP_PATH, {}).catch(err => {
                // A kept-alive connection the IDE closed meanwhile: saving twice is harmless, so ask once more on a new one.
                if ((err as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET') {
                    return this.call(ws, ideUrl, PREPARE_STOP_PATH, {});
                }
                throw err;
            });
        } catch (err) {
            // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout).
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            return { kind: 'unreachable', message: `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}` };
        }
        if (answer.status === 200) {
            const body = answer.body as Partial<PrepareStopResponse>;
            return { kind: 'saved', clients: Number(body.clients ?? 0), saved: Number(body.saved ?? 0) };
        }
        if (answer.status === 409 || answer.status >= 500) {
            const body = answer.body as Partial<PrepareStopRefusal>;
            const unsaved = Array.isArray(body.unsaved) ? body.unsaved.map(String) : [];
            return { kind: 'refused', unsaved, message: String(body.error ?? `the IDE answered ${answer.status}`) };
        }
        return { kind: 'unreachable', message: `the IDE answered ${answer.status}: ${String(answer.body.error ?? '')}` };
    }

    async warnIdle(ws: { tenant: string; id: string }, ideUrl: string, stopsInSeconds: number): Promise<void> {
        const request: IdleWarningRequest = { stopsInSeconds };
        const answer = await this.call(ws, ideUrl, IDLE_WARNING_PATH, request);
        if (answer.status !== 200) {
            throw new Error(`the IDE answered ${answer.status}: ${String(answer.body.error ?? '')}`);
        }
    }

    protected async call(ws: { tenant: string; id: string }, ideUrl: string, path: string, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
        const res = await fetch(new URL(path, ideUrl), {
            method: 'POST',
            headers: {
                'Content-Type': 'application/json', Authorization: `Bearer ${this.tokens.token(ws.tenant, ws.id)}`,
                [IDE_SECRET_HEADER]: this.tokens.ideSecret(ws.tenant, ws.id)
            },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs)
        });
        const text = await res.text();
        try {
            return { status: res.status, body: text ? JSON.parse(text) : {} };
        } catch {
            return { status: res.status, body: { error: text.slice(0, 200) } };
        }
    }
}
