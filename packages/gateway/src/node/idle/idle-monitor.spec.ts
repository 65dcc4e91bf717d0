import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChangeListener, ClassView, WorkspaceDirectory, WorkspaceView } from '../directory';
import { GatewayMetrics } from '../metrics';
import { IdleMonitor } from './idle-monitor';
import { WorkspaceTokens } from './workspace-token';

/** The manager, standing in: one workspace in memory, stop() recorded. The IDE is a real HTTP server. */
class OneWorkspace implements WorkspaceDirectory {
    stops = 0;
    constructor(public ws: WorkspaceView) { }
    get(): WorkspaceView | undefined { return this.ws; }
    list(): WorkspaceView[] { return [this.ws]; }
    onChange(_listener: ChangeListener): () => void { return () => undefined; }
    async classes(): Promise<ClassView[]> { return [{ name: 'small', description: '', cpu: '1', memory: '1Gi', disk: '1Gi', gpuResource: '', gpuCount: 0, idleTimeoutSeconds: 60 }]; }
    async create(): Promise<WorkspaceView> { throw new Error('not used'); }
    async start(): Promise<WorkspaceView> { throw new Error('not used'); }
    async stop(): Promise<WorkspaceView> { this.stops++; return this.ws; }
    async remove(): Promise<WorkspaceView> { throw new Error('not used'); }
}

describe('IdleMonitor', () => {
    const tokens = new WorkspaceTokens(crypto.randomBytes(32));
    const calls: Array<{ path: string; body: Record<string, unknown>; auth?: string }> = [];
    let answer = { status: 200, body: { clients: 1, saved: 1 } as object };
    let ide: http.Server;
    let url: string;
    let directory: OneWorkspace;
    let metrics: GatewayMetrics;
    let monitor: IdleMonitor;

    before(async () => {
        ide = http.createServer((req, res) => {
            let body = '';
            req.on('data', c => { body += c; });
            req.on('end', () => {
                calls.push({ path: req.url!, body: JSON.parse(body), auth: req.headers.authorization });
                res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
            });
        });
        await new Promise<void>(resolve => ide.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(ide.address() as AddressInfo).port}/`;
    });
    after(() => ide.close());
    beforeEach(async () => {
        calls.length = 0;
        answer = { status: 200, body: { clients: 1, saved: 1 } };
        directory = new OneWorkspace({
            tenant: 't', id: 'w', name: 'w', className: 'small', desiredState: 'running', phase: 'running', version: 3,
            failureReason: '', conditions: [], createdAt: '', updatedAt: '', ideUrl: url
        });
        metrics = new GatewayMetrics();
        monitor = new IdleMonitor(directory, tokens, metrics, () => undefined, { checkIntervalMs: 1000, warningSeconds: 300 });
        await monitor.start();
        monitor.stop();
    });

    it('should warn a third of the timeout before, then save, then stop', async () => {
        await monitor.check(0);
        await monitor.check(39_000);
        assert.equal(calls.length, 0);
        await monitor.check(40_000);
        assert.deepEqual(calls.map(c => [c.path, c.body]), [['/_warren/v1/idle-warning', { stopsInSeconds: 20 }]]);
        assert.equal(calls[0].auth, `Bearer ${tokens.token('t', 'w')}`);
        await monitor.check(59_000);
        assert.equal(directory.stops, 0);
        await monitor.check(60_000);
        assert.deepEqual(calls.map(c => c.path), ['/_warren/v1/idle-warning', '/_warren/v1/prepare-stop']);
        assert.equal(directory.stops, 1);
        assert.equal((await metrics.idleStops.get()).values.find(v => v.labels.result === 'stopped')?.value, 1);
    });

    it('should warn first even when a late check finds the time up', async () => {
        await monitor.check(0);
        await monitor.check(120_000);
        assert.deepEqual(calls.map(c => c.path), ['/_warren/v1/idle-warning']);
        assert.equal(directory.stops, 0);
        await monitor.check(121_000);
        assert.equal(directory.stops, 1);
    });

    it('should start the clock again on activity', async () => {
        await monitor.check(Date.now() - 50_000);
        monitor.touch('t', 'w');
        await monitor.check(Date.now() + 30_000);
        assert.equal(calls.length, 0);
    });

    it('should hold the stop back when the IDE could not save, and warn again later', async () => {
        answer = { status: 409, body: { error: 'Untitled-1 has no file yet' } };
        await monitor.check(0);
        await monitor.check(40_000);
        await monitor.check(60_000);
        assert.equal(directory.stops, 0);
        assert.equal((await metrics.idleStops.get()).values.find(v => v.labels.result === 'save-failed')?.value, 1);
        const before = calls.length;
        await monitor.check(Date.now() + 1_000);
        assert.deepEqual(calls.slice(before).map(c => c.path), ['/_warren/v1/idle-warning'], 'warned again, not stopped');
    });

    it('should stop a workspace whose IDE does not answer', async () => {
        directory.ws = { ...directory.ws, ideUrl: 'http://127.0.0.1:1/' };
        await monitor.check(0);
        await monitor.check(40_000);
        await monitor.check(60_000);
        assert.equal(directory.stops, 1);
    });
});
