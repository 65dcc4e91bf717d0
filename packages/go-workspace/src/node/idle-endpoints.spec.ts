import '@theia/core/shared/reflect-metadata';
import * as assert from 'node:assert/strict';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express = require('@theia/core/shared/express');
import { ILogger } from '@theia/core/lib/common/logger';
import { RpcProxy } from '@theia/core/lib/common/messaging/proxy-factory';
import { ActivityClient, IdleWarning, SaveForStopResult } from '../common/activity-protocol';
import { ActivityClients } from './activity-clients';
import { ActivityConfig } from './activity-config';
import { ActivityTracker } from './activity-tracker';
import { IdleEndpoints } from './idle-endpoints';

const TOKEN = 'test-secret';
const ENABLED: ActivityConfig = { enabled: true, gatewayUrl: 'http://127.0.0.1:1', token: TOKEN, workspace: 'test/hello', heartbeatSeconds: 60 };
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
async function serve(config: ActivityConfig): Promise<{ url: string; clients: ActivityClients; warned: () => number; server: Server }> {
    const clients = new ActivityClients();
    let warnings = 0;
    const tracker = { onDidWarnIdle: () => warnings++ } as unknown as ActivityTracker;
    const endpoints = Object.assign(new IdleEndpoints(), { config, clients, tracker, logger: quietLogger });
    const app = express();
    endpoints.configure(app);
    const server = app.listen(0, '127.0.0.1');
    await new Promise(resolve => server.once('listening', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/_warren/v1`, clients, warned: () => warnings, server };
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
        for (const path of ['/idle-warning', '/prepare-stop']) {
            const res = await post(off.url + path, '{"stopsInSeconds": 1}', json);
            assert.equal(res.status, 404);
            assert.match(String(res.json.error), /off in this IDE/);
        }
    });

    it('should answer 401 without the workspace token', async () => {
        const attempts: Array<Record<string, string>> = [{}, { 'Authorization': 'Bearer wrong' }, { 'Authorization': TOKEN }, { 'Authorization': `Basic ${TOKEN}` }];
        for (const headers of attempts) {
            for (const path of ['/idle-warning', '/prepare-stop', '/nothing-here']) {
                const res = await post(on.url + path, '{"stopsInSeconds": 1}', { ...headers, 'Content-Type': 'application/json' });
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
            const res = await post(`${on.url}/idle-warning`, body, headers);
            assert.equal(res.status, 400, String(body));
            assert.match(String(res.json.error), message);
        }
        assert.equal(on.warned(), 0);
    });

    it('should warn every connected frontend and tell the tracker', async () => {
        const tabs = [new FakeFrontend(async () => ({ saved: 0, problems: [] })), new FakeFrontend(async () => ({ saved: 0, problems: [] }))];
        tabs.forEach(t => on.clients.add(t.proxy));
        const res = await post(`${on.url}/idle-warning`, '{"stopsInSeconds": 120}', json);
        assert.deepEqual(res, { status: 200, json: { clients: 2 } });
        assert.deepEqual(tabs.map(t => t.warnings), [[{ stopsInSeconds: 120 }], [{ stopsInSeconds: 120 }]]);
        assert.equal(on.warned(), 1);
        tabs.forEach(t => t.close());
        assert.deepEqual(await post(`${on.url}/idle-warning`, '{"stopsInSeconds": 0}', json), { status: 200, json: { clients: 0 } });
    });

    it('should save in every frontend, then announce the stop', async () => {
        const tabs = [new FakeFrontend(async () => ({ saved: 2, problems: [] })), new FakeFrontend(async () => ({ saved: 1, problems: [] }))];
        tabs.forEach(t => on.clients.add(t.proxy));
        assert.deepEqual(await post(`${on.url}/prepare-stop`, undefined, auth), { status: 200, json: { clients: 2, saved: 3 } });
        assert.deepEqual(tabs.map(t => t.stopsAnnounced), [1, 1]);
        tabs.forEach(t => t.close());
        assert.deepEqual(await post(`${on.url}/prepare-stop`, undefined, auth), { status: 200, json: { clients: 0, saved: 0 } });
    });

    it('should answer 409 with every problem when something could not be saved, and announce nothing', async () => {
        on.clients.saveTimeoutMs = 200;
        const tabs = [
            new FakeFrontend(async () => ({ saved: 1, problems: ['Untitled-1 has no file yet (save it with Save As, or close it)'] })),
            new FakeFrontend(async () => { throw new Error('disk full'); }),
            new FakeFrontend(() => new Promise(() => undefined))
        ];
        tabs.forEach(t => on.clients.add(t.proxy));
        const res = await post(`${on.url}/prepare-stop`, undefined, auth);
        assert.equal(res.status, 409);
        const error = String(res.json.error);
        assert.match(error, /Untitled-1 has no file yet/);
        assert.match(error, /browser tab 2 of 3 could not save: disk full/);
        assert.match(error, /browser tab 3 of 3 did not finish saving within 0.2 s/);
        assert.deepEqual(tabs.map(t => t.stopsAnnounced), [0, 0, 0]);
        tabs.forEach(t => t.close());
    });
});
