import '@theia/core/shared/reflect-metadata';
import * as assert from 'node:assert/strict';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express = require('@theia/core/shared/express');
import { ILogger } from '@theia/core/lib/common/logger';
import { RpcProxy } from '@theia/core/lib/common/messaging/proxy-factory';
import { IDE_ENDPOINTS_PATH, IDLE_WARNING_PATH, PREPARE_STOP_PATH, PrepareStopRefusal } from '@warren/workspace-api/lib/ide-contract';
import { ActivityClient, IdleWarning, SaveForStopResult } from '../common/activity-protocol';
import { ActivityClients } from './activity-clients';
import { ActivityConfig } from './activity-config';
import { ActivityTracker } from './activity-tracker';
import { IdleEndpoints } from './idle-endpoints';

const TOKEN = 'test-secret';
const ENABLED: ActivityConfig = { enabled: true, activityUrl: 'http://127.0.0.1:1', token: TOKEN, workspace: 'test/hello', heartbeatSeconds: 60 };
const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as ILogger;

/** A frontend as the backend sees it, answering saveForStop with `save`. */
class FakeFrontend {
    warnings: IdleWarning[] = [];
    stopsAnnounced = 0;
    protected closeListeners: Array<() => void> = [];
    constructor(public save: () => Promise<SaveForStopResult>) { }
    onDidWarnIdle(warning: IdleWarning): void {
        this.warnings.push(warning);
    }
    saveForStop(): Promise<SaveForStopResult> {
        return this.save();
    }
    onDidPrepareStop(): void {
        this.stopsAnnounced++;
    }
    onDidCloseConnection(listener: () => void): void {
        this.closeListeners.push(listener);
    }
    close(): void {
        this.closeListeners.forEach(l => l());
    }
    get proxy(): RpcProxy<ActivityClient> {
        return this as unknown as RpcProxy<ActivityClient>;
    }
}

/** The endpoints on a real express server, as Theia's backend would mount them. */
async function serve(config: ActivityConfig): Promise<{ base: string; clients: ActivityClients; warned: () => number; server: Server }> {
    const clients = new ActivityClients();
    let warnings = 0;
    const tracker = { onDidWarnIdle: () => warnings++ } as unknown as ActivityTracker;
    const endpoints = Object.assign(new IdleEndpoints(), { config, clients, tracker, logger: quietLogger });
    const app = express();
    endpoints.configure(app);
    const server = app.listen(0, '127.0.0.1');
    await new Promise(resolve => server.once('listening', resolve));
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, clients, warned: () => warnings, server };
}

async function post(url: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(url, { method: 'POST', body, headers });
    return { status: res.status, json: await res.json() as Record<string, unknown> };
}

const auth = { 'Authorization': `Bearer ${TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };

describe('the idle endpoints', () => {
    let off: Awaited<ReturnType<typeof serve>>;
    let on: Awaited<ReturnType<typeof serve>>;
    before(async () => {
        off = await serve({ enabled: false, misconfigured: false, reason: 'no Warren' });
        on = await serve(ENABLED);
    });
    after(() => {
        off.server.close();
        on.server.close();
    });

    it('should answer 404 when the IDE runs without Warren, token or not', async () => {
        for (const path of [IDLE_WARNING_PATH, PREPARE_STOP_PATH]) {
            const res = await post(off.base + path, '{"stopsInSeconds": 1}', json);
            assert.equal(res.status, 404);
            assert.match(String(res.json.error), /off in this IDE/);
        }
    });

    it('should answer 401 without the workspace token', async () => {
        const attempts: Array<Record<string, string>> = [{}, { 'Authorization': 'Bearer wrong' }, { 'Authorization': TOKEN }, { 'Authorization': `Basic ${TOKEN}` }];
        for (const headers of attempts) {
            for (const path of [IDLE_WARNING_PATH, PREPARE_STOP_PATH, `${IDE_ENDPOINTS_PATH}/nothing-here`]) {
                const res = await post(on.base + path, '{"stopsInSeconds": 1}', { ...headers, 'Content-Type': 'application/json' });
                assert.equal(res.status, 401, `${path} with ${JSON.stringify(headers)}`);
                assert.match(String(res.json.error), /Authorization: Bearer/);
            }
        }
    });

    it('should answer 400 with what is wrong with an idle warning', async () => {
        const cases: Array<[string | undefined, Record<string, string>, RegExp]> = [
            ['{"stopsInSeconds": 120}', auth, /Content-Type: application\/json/],
            ['{}', json, /stopsInSeconds is missing/],
            ['{"stopsInSeconds": -5}', json, /stopsInSeconds is -5/],
            ['{"stopsInSeconds": "120"}', json, /stopsInSeconds is "120"/],
            ['[120]', json, /stopsInSeconds is missing/],
            ['{"stopsInSeconds": ', json, /not valid JSON/]
        ];
        for (const [body, headers, message] of cases) {
            const res = await post(on.base + IDLE_WARNING_PATH, body, headers);
            assert.equal(res.status, 400, String(body));
            assert.match(String(res.json.error), message);
        }
        assert.equal(on.warned(), 0);
    });

    it('should warn every connected frontend and tell the tracker', async () => {
        const tabs = [new FakeFrontend(async () => ({ saved: 0, unsaved: [] })), new FakeFrontend(async () => ({ saved: 0, unsaved: [] }))];
        tabs.forEach(t => on.clients.add(t.proxy));
        const res = await post(on.base + IDLE_WARNING_PATH, '{"stopsInSeconds": 120}', json);
        assert.deepEqual(res, { status: 200, json: { clients: 2 } });
        assert.deepEqual(tabs.map(t => t.warnings), [[{ stopsInSeconds: 120 }], [{ stopsInSeconds: 120 }]]);
        assert.equal(on.warned(), 1);
        tabs.forEach(t => t.close());
        assert.deepEqual(await post(on.base + IDLE_WARNING_PATH, '{"stopsInSeconds": 0}', json), { status: 200, json: { clients: 0 } });
    });

    it('should save in every frontend, then announce the stop', async () => {
        const tabs = [new FakeFrontend(async () => ({ saved: 2, unsaved: [] })), new FakeFrontend(async () => ({ saved: 1, unsaved: [] }))];
        tabs.forEach(t => on.clients.add(t.proxy));
        assert.deepEqual(await post(on.base + PREPARE_STOP_PATH, undefined, auth), { status: 200, json: { clients: 2, saved: 3 } });
        assert.deepEqual(tabs.map(t => t.stopsAnnounced), [1, 1]);
        tabs.forEach(t => t.close());
        assert.deepEqual(await post(on.base + PREPARE_STOP_PATH, undefined, auth), { status: 200, json: { clients: 0, saved: 0 } });
    });

    it('should answer 409 with one entry per unsaved editor or silent tab, and announce nothing', async () => {
        on.clients.saveTimeoutMs = 200;
        const tabs = [
            new FakeFrontend(async () => ({ saved: 1, unsaved: ['Untitled-1 (never saved: give it a name)', '/home/me/hello/go.mod (read-only)'] })),
            new FakeFrontend(async () => { throw new Error('connection closed'); }),
            new FakeFrontend(() => new Promise(() => undefined))
        ];
        tabs.forEach(t => on.clients.add(t.proxy));
        const res = await post(on.base + PREPARE_STOP_PATH, undefined, auth);
        assert.equal(res.status, 409);
        const refusal = res.json as unknown as PrepareStopRefusal;
        const unsaved = [
            'Untitled-1 (never saved: give it a name)',
            '/home/me/hello/go.mod (read-only)',
            'any unsaved editors in browser tab 2 of 3 (asking it to save failed: connection closed)',
            'any unsaved editors in browser tab 3 of 3 (saving took over 0.2 s: answer any dialog there, or save them yourself)'
        ];
        assert.deepEqual(refusal, { error: `Not everything could be saved: ${unsaved.join('; ')}`, unsaved });
        assert.deepEqual(tabs.map(t => t.stopsAnnounced), [0, 0, 0]);
        tabs.forEach(t => t.close());
    });

    it('should name the one browser tab as such when it does not answer', async () => {
        const tab = new FakeFrontend(async () => { throw new Error('connection closed'); });
        on.clients.add(tab.proxy);
        const res = await post(on.base + PREPARE_STOP_PATH, '{}', json);
        assert.equal(res.status, 409);
        assert.deepEqual(res.json.unsaved, ['any unsaved editors in the browser tab (asking it to save failed: connection closed)']);
        tab.close();
    });
});
