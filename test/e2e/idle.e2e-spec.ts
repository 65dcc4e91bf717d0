import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HEARTBEAT_PATH, IDE_ENV, IDLE_WARNING_PATH, PREPARE_STOP_PATH, PrepareStopRefusal } from '@warren/workspace-api/lib/ide-contract';
import { Page } from 'playwright-core';
import { eventually, IdePage, startTestIde, TestIde } from '@warren/testing';

const TOKEN = 'test-secret';
const TYPED = '// typed before an idle stop';

interface Heartbeat {
    headers: IncomingHttpHeaders;
    reasons: string[];
}

/**
 * Stands in for Warren's workspace manager, which packages/workspace-manager provides: it records the
 * IDE's heartbeats (POST HEARTBEAT_PATH) and answers 204, as the manager does.
 */
class HeartbeatRecorder {
    readonly heartbeats: Heartbeat[] = [];
    lastMs = Date.now();
    readonly server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', chunk => body += chunk);
        req.on('end', () => {
            if (req.method === 'POST' && req.url === HEARTBEAT_PATH) {
                this.heartbeats.push({ headers: req.headers, reasons: JSON.parse(body).reasons });
                this.lastMs = Date.now();
                res.writeHead(204).end();
            } else {
                res.writeHead(404).end();
            }
        });
    });

    get url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    /** Heartbeats from index `from` on. */
    since(from: number): Heartbeat[] {
        return this.heartbeats.slice(from);
    }
}

/** Warren's idle stop, the IDE's half, in a real IDE and chromium: heartbeats, the idle warning, saving before a stop. */
describe('idle stop in the IDE', () => {
    const manager = new HeartbeatRecorder();
    let ide: TestIde;
    let ui: IdePage;
    let page: Page;

    /** The workspace manager's calls to the IDE: POST to a contract path, with the workspace's token unless told otherwise. */
    const call = async (endpoint: string, body?: unknown, authorization: string | false = `Bearer ${TOKEN}`): Promise<{ status: number; json: Record<string, unknown> }> => {
        const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
        if (authorization) {
            headers.Authorization = authorization;
        }
        const res = await fetch(new URL(endpoint, ide.url), { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.status, json: await res.json() as Record<string, unknown> };
    };

    /** Waits until the IDE has sent nothing for a few ticks (of 1 s) from now on: it has nothing to report. */
    const quiet = async (): Promise<void> => {
        const start = Date.now();
        await eventually('no heartbeats for 3.5 s', async () => (Date.now() - Math.max(start, manager.lastMs) > 3_500 ? true : undefined), 60_000).catch(err => {
            throw new Error(`${err.message}; the last heartbeat said: ${JSON.stringify(manager.heartbeats.at(-1)?.reasons)}`);
        });
    };

    const heartbeatWith = (from: number, what: string, test: (reasons: string[]) => boolean): Promise<Heartbeat> =>
        eventually(what, async () => manager.since(from).find(h => test(h.reasons)), 60_000);

    /** A notification as it pops up (the notification centre holds a hidden copy of each). */
    const notification = (text: string): ReturnType<Page['locator']> =>
        page.locator('.theia-notification-toasts .theia-notification-list-item', { has: page.locator('.theia-notification-message', { hasText: text }) });

    before(async () => {
        await new Promise<void>(resolve => manager.server.listen(0, '127.0.0.1', resolve));
        ide = await startTestIde('hello', {
            [IDE_ENV.activityUrl]: manager.url,
            [IDE_ENV.token]: TOKEN,
            [IDE_ENV.workspace]: 'test/hello',
            [IDE_ENV.heartbeatSeconds]: '1'
        });
        ui = await IdePage.open(ide);
        page = ui.page;
    });

    after(async () => {
        await ui?.close('idle-e2e');
        await ide?.dispose();
        manager.server.close();
        if (process.env.WARREN_E2E_DEBUG) {
            console.log(manager.heartbeats.map(h => h.reasons.join(', ')).join('\n'));
        }
    });

    it('should send no heartbeat once the page has loaded and nobody uses it', async () => {
        await quiet();
        const input = manager.heartbeats.filter(h => h.reasons.includes('user input'));
        assert.deepEqual(input, [], 'loading the page is not user input');
    });

    it('should send a heartbeat for typing in an editor, with the workspace token', async () => {
        await ui.openFile('main.go', 'package main');
        const lines = fs.readFileSync(path.join(ide.workspace, 'main.go'), 'utf8').trimEnd().split('\n').length;
        await ui.cursorAtEndOfLine('main.go', lines);
        // The clicks above are input too: let their heartbeats pass, then only type.
        await quiet();
        const from = manager.heartbeats.length;
        await page.keyboard.press('Enter');
        await page.keyboard.type(TYPED);
        const beat = await heartbeatWith(from, 'a heartbeat for the typing', reasons => reasons.includes('user input'));
        assert.equal(beat.headers.authorization, `Bearer ${TOKEN}`);
        assert.match(String(beat.headers['content-type']), /^application\/json/);
    });

    it('should keep sending heartbeats that name a command running in a terminal, while nobody types', async () => {
        const terminal = await ui.newTerminal();
        // The token stays with the IDE backend: what runs in a terminal does not inherit it.
        await page.keyboard.type('echo "token:${WARREN_WORKSPACE_TOKEN:-unset}"\n');
        await eventually('the echo in the terminal', async () => {
            const copied = await ui.terminalText(terminal);
            return /^token:unset$/m.test(copied) ? copied : undefined;
        });
        const from = manager.heartbeats.length;
        await page.keyboard.type('sleep 30\n');
        const beat = await heartbeatWith(from, 'a heartbeat naming sleep 30 and no input',
            reasons => reasons.some(r => /^sleep 30 \(pid \d+\)$/.test(r)) && !reasons.includes('user input'));
        assert.deepEqual(beat.reasons.filter(r => !r.startsWith('sleep 30')), [], 'the idle shells, gopls and the plugin host are not activity');
        // Interrupted, the shell is back at its prompt and nothing is busy.
        await page.keyboard.press('Control+C');
        await quiet();
    });

    it('should refuse the idle warning without the workspace token', async () => {
        for (const authorization of [false, 'Bearer wrong', TOKEN] as const) {
            const res = await call(IDLE_WARNING_PATH, { stopsInSeconds: 120 }, authorization);
            assert.equal(res.status, 401);
            assert.match(String(res.json.error), /Bearer/);
        }
        const bad = await call(IDLE_WARNING_PATH, { stopsInSeconds: -1 });
        assert.equal(bad.status, 400);
        assert.match(String(bad.json.error), /stopsInSeconds is -1/);
    });

    it('should show the idle warning, and send a heartbeat when the person chooses to keep working', async () => {
        const res = await call(IDLE_WARNING_PATH, { stopsInSeconds: 120 });
        assert.deepEqual(res, { status: 200, json: { clients: 1 } });
        const warning = notification('This workspace has been idle and stops in 2 minutes. Your open editors will be saved first.');
        await warning.waitFor({ timeout: 30_000 });
        const from = manager.heartbeats.length;
        await warning.getByRole('button', { name: 'Keep working' }).click();
        await heartbeatWith(from, 'a heartbeat after Keep working', reasons => reasons.includes('user input'));
        await warning.waitFor({ state: 'detached', timeout: 10_000 });
    });

    it('should save the unsaved editor before a stop and say that the workspace stops', async () => {
        const tab = page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: 'main.go' }).first();
        assert.match(await tab.getAttribute('class') ?? '', /theia-mod-dirty/, 'main.go has unsaved typing');
        assert.ok(!fs.readFileSync(path.join(ide.workspace, 'main.go'), 'utf8').includes(TYPED));
        assert.equal((await call(PREPARE_STOP_PATH, undefined, false)).status, 401);

        const res = await call(PREPARE_STOP_PATH);
        assert.deepEqual(res, { status: 200, json: { clients: 1, saved: 1 } });
        assert.ok(fs.readFileSync(path.join(ide.workspace, 'main.go'), 'utf8').includes(`}\n${TYPED}`), 'main.go on disk holds the typing');
        await notification('Warren is stopping this workspace; your files are saved.').waitFor({ timeout: 30_000 });
        await eventually('main.go clean', async () => (/theia-mod-dirty/.test(await tab.getAttribute('class') ?? '') ? undefined : true));
    });

    it('should refuse a stop with 409 while an untitled editor holds unsaved text', async () => {
        await ui.runCommand('New Untitled Text File');
        const untitled = page.locator('#theia-main-content-panel .lm-TabBar-tab.theia-mod-active', { hasText: /Untitled-\d+/ });
        await untitled.waitFor({ timeout: 30_000 });
        await page.locator('.theia-editor:visible .monaco-editor .view-lines').first().click();
        await page.keyboard.type('notes with no file yet');
        await eventually('the untitled editor dirty', async () => (/theia-mod-dirty/.test(await untitled.getAttribute('class') ?? '') ? true : undefined));

        const res = await call(PREPARE_STOP_PATH);
        assert.equal(res.status, 409);
        const refusal = res.json as unknown as PrepareStopRefusal;
        assert.equal(refusal.unsaved.length, 1, JSON.stringify(refusal));
        assert.match(refusal.unsaved[0], /^Untitled-\d+ \(never saved: give it a name\)$/);
        assert.equal(refusal.error, `Not everything could be saved: ${refusal.unsaved[0]}`);
        await notification(`Warren is holding back the stop of this workspace: it could not save ${refusal.unsaved[0]}.`).waitFor({ timeout: 30_000 });
    });
});
