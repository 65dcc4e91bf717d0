import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceKey } from '@warren/workspace-api';
import { WorkspaceRecord } from '../model';
import { IdleClock, IdleClockHost } from './idle-clock';

const MINUTE = 60_000;

function record(id: string, over: Partial<WorkspaceRecord> = {}, conditions: string[] = []): WorkspaceRecord {
    return {
        tenant: 't', id, name: id, className: 'small', desired: 'running', deleting: false, forceStop: false, goEnv: {}, source: { kind: 'template' }, createdAt: '', generation: 1,
        status: { phase: 'running', version: 2, url: 'http://127.0.0.1:1/', conditions, updatedAt: '' }, ...over
    };
}

/** The rest of the manager, recorded: which workspaces exist, what the clock asked of them. */
class Host implements IdleClockHost {
    list: WorkspaceRecord[] = [];
    readonly calls: string[] = [];
    workspaces(): WorkspaceRecord[] { return this.list; }
    timeoutSecondsOf(className: string): number | undefined { return className === 'never' ? 0 : 30 * 60; }
    async warn(ws: WorkspaceRecord, stopsInSeconds: number): Promise<void> { this.calls.push(`warn ${ws.id} ${stopsInSeconds}`); }
    async stop(ws: WorkspaceRecord): Promise<void> { this.calls.push(`stop ${ws.id}`); }
    async resume(ws: WorkspaceRecord): Promise<void> { this.calls.push(`resume ${ws.id}`); }
    changed(key: WorkspaceKey): void { this.calls.push(`changed ${key}`); }
    log(): void { /* not looked at */ }
}

describe('IdleClock', () => {
    it('should warn five minutes before the timeout, say when it stops, then stop', async () => {
        const host = new Host();
        const clock = new IdleClock(host, { checkIntervalMs: 15_000 });
        host.list = [record('w')];
        const t0 = 1_000_000;
        await clock.check(t0);
        await clock.check(t0 + 24 * MINUTE);
        assert.deepEqual(host.calls, [], 'not idle long enough');
        await clock.check(t0 + 25 * MINUTE);
        assert.deepEqual(host.calls, ['changed t/w', 'warn w 300']);
        assert.equal(clock.idleStopsAt('t/w'), new Date(t0 + 30 * MINUTE).toISOString());
        await clock.check(t0 + 29 * MINUTE);
        assert.deepEqual(host.calls.slice(2), [], 'warned once, not stopped early');
        await clock.check(t0 + 30 * MINUTE);
        assert.deepEqual(host.calls.slice(2), ['stop w']);
        await clock.check(t0 + 31 * MINUTE);
        assert.deepEqual(host.calls.slice(2), ['stop w'], 'asked once');
    });

    it('should withdraw the warning on activity, and count again from then', async () => {
        const host = new Host();
        const clock = new IdleClock(host);
        host.list = [record('w')];
        const t0 = 1_000_000;
        await clock.check(t0);
        await clock.check(t0 + 26 * MINUTE);
        clock.touch('t/w', t0 + 27 * MINUTE);
        assert.equal(clock.idleStopsAt('t/w'), undefined);
        assert.deepEqual(host.calls.slice(-1), ['changed t/w'], 'the status is told');
        await clock.check(t0 + 31 * MINUTE);
        assert.ok(!host.calls.includes('stop w'));
        await clock.check(t0 + 52 * MINUTE);
        assert.equal(host.calls.filter(c => c.startsWith('warn')).length, 2);
    });

    it('should always warn first, even when a late look finds the time already up', async () => {
        const host = new Host();
        const clock = new IdleClock(host, { checkIntervalMs: 15_000 });
        host.list = [record('w')];
        await clock.check(0);
        await clock.check(45 * MINUTE);
        assert.deepEqual(host.calls, ['changed t/w', 'warn w 15']);
    });

    it('should leave alone a class without idle stop, a stopped workspace and one being deleted', async () => {
        const host = new Host();
        const clock = new IdleClock(host);
        host.list = [record('a', { className: 'never' }), record('b', { desired: 'stopped' }), record('c', { deleting: true }),
            record('d', { status: { phase: 'stopped', version: 3, conditions: [], updatedAt: '' } })];
        await clock.check(0);
        await clock.check(120 * MINUTE);
        assert.deepEqual(host.calls, []);
    });

    it('should withdraw an idle stop that is held back when someone uses the workspace again', async () => {
        const host = new Host();
        const clock = new IdleClock(host);
        host.list = [record('w')];
        await clock.check(0);
        await clock.check(25 * MINUTE);
        await clock.check(30 * MINUTE);
        assert.ok(host.calls.includes('stop w'));
        // The IDE could not save an untitled editor: the stop waits, and the IDE runs on.
        host.list = [record('w', { desired: 'stopped', generation: 2 }, ['StopHeldBack: could not save Untitled-1'])];
        await clock.check(31 * MINUTE);
        clock.touch('t/w', 32 * MINUTE);
        assert.deepEqual(host.calls.slice(-1), ['resume w']);
    });

    it('should not touch a stop the tenant asked for', async () => {
        const host = new Host();
        const clock = new IdleClock(host);
        host.list = [record('w', { desired: 'stopped', generation: 2 }, ['StopHeldBack: could not save Untitled-1'])];
        await clock.check(0);
        clock.touch('t/w', MINUTE);
        assert.ok(!host.calls.includes('resume w'));
    });
});
