import '@theia/core/shared/reflect-metadata';
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { ILogger } from '@theia/core/lib/common/logger';
import { HEARTBEAT_PATH } from '@warren/workspace-api/lib/ide-contract';
import { ActivityConfig } from './activity-config';
import { ActivityTracker, USER_INPUT } from './activity-tracker';
import { HeartbeatSender } from './heartbeat-sender';
import { eventually } from '@warren/testing';

interface Heartbeat {
    headers: IncomingHttpHeaders;
    body: { reasons: string[] };
}

/** A stand-in for the workspace manager's heartbeat endpoint (packages/workspace-manager serves the real one): it records what it gets. */
class FakeManager {
    heartbeats: Heartbeat[] = [];
    status = 204;
    server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', chunk => body += chunk);
        req.on('end', () => {
            if (req.method === 'POST' && req.url === HEARTBEAT_PATH) {
                this.heartbeats.push({ headers: req.headers, body: JSON.parse(body) });
            }
            res.writeHead(this.status).end();
        });
    });
    get url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }
}

class RecordingLogger {
    lines: string[] = [];
    info(message: string): void {
        this.lines.push(`info ${message}`);
    }
    warn(message: string): void {
        this.lines.push(`warn ${message}`);
    }
    error(message: string): void {
        this.lines.push(`error ${message}`);
    }
}

function makeTracker(config: ActivityConfig, logger: RecordingLogger): { tracker: ActivityTracker; sender: HeartbeatSender } {
    const sender = Object.assign(new HeartbeatSender(), { config, logger: logger as unknown as ILogger });
    const tracker = Object.assign(new ActivityTracker(), { config, sender, logger: logger as unknown as ILogger });
    return { tracker, sender };
}

describe('ActivityTracker with a real heartbeat endpoint', () => {
    const manager = new FakeManager();
    let tracker: ActivityTracker | undefined;
    let child: ChildProcess | undefined;
    const config = (heartbeatSeconds: number): ActivityConfig =>
        ({ enabled: true, activityUrl: manager.url, token: 'test-secret', workspace: 'test/hello', heartbeatSeconds });

    before(() => new Promise<void>(resolve => manager.server.listen(0, '127.0.0.1', resolve)));
    after(() => manager.server.close());
    afterEach(async () => {
        await tracker?.onStop();
        if (child && child.exitCode === null && child.signalCode === null) {
            const exited = new Promise(resolve => child!.once('exit', resolve));
            child.kill();
            await exited;
        }
        manager.heartbeats = [];
        manager.status = 204;
    });

    it('should send user input with the token and JSON, once per tick', async () => {
        ({ tracker } = makeTracker(config(0.05), new RecordingLogger()));
        tracker.onStart();
        tracker.notifyUserInput();
        const beat = await eventually('a heartbeat', () => manager.heartbeats[0]);
        assert.equal(beat.headers.authorization, 'Bearer test-secret');
        assert.equal(beat.headers['content-type'], 'application/json');
        assert.deepEqual(beat.body, { reasons: [USER_INPUT] });
    });

    it('should report a busy child process, by its command line', async () => {
        ({ tracker } = makeTracker(config(0.05), new RecordingLogger()));
        child = spawn('sleep', ['30']);
        tracker.onStart();
        const beat = await eventually('a busy heartbeat', () => manager.heartbeats.find(h => h.body.reasons.includes(`sleep 30 (pid ${child!.pid})`)));
        assert.ok(!beat.body.reasons.includes(USER_INPUT));
    });

    it('should send user input at once after an idle warning, without waiting for the tick', async () => {
        // A tick of an hour: any heartbeat in this test is one sent at once.
        ({ tracker } = makeTracker(config(3600), new RecordingLogger()));
        tracker.onStart();
        tracker.onDidWarnIdle();
        tracker.notifyUserInput();
        const beat = await eventually('the answer to the warning', () => manager.heartbeats[0]);
        assert.deepEqual(beat.body.reasons, [USER_INPUT]);
    });

    it('should log a failure streak once, keep the input for the next try, and log the recovery', async () => {
        const logger = new RecordingLogger();
        ({ tracker } = makeTracker(config(0.05), logger));
        manager.status = 503;
        tracker.onStart();
        tracker.notifyUserInput();
        await eventually('three failed heartbeats', () => manager.heartbeats.length >= 3 || undefined);
        assert.ok(manager.heartbeats.every(h => h.body.reasons.includes(USER_INPUT)), 'input stays unreported until the workspace manager takes it');
        manager.status = 204;
        await eventually('the recovery', () => logger.lines.find(l => l.startsWith('info Warren idle stop: heartbeats reach')));
        const errors = logger.lines.filter(l => l.startsWith('error'));
        assert.equal(errors.length, 1, errors.join('\n'));
        assert.match(errors[0], /the workspace manager answered 503/);
    });

    it('should never throw when the workspace manager cannot be reached', async () => {
        const logger = new RecordingLogger();
        const closed = createServer();
        await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise(resolve => closed.close(resolve));
        const { sender } = makeTracker({ enabled: true, activityUrl: `http://127.0.0.1:${port}`, token: 't', workspace: 'test/hello', heartbeatSeconds: 1 }, logger);
        assert.equal(await sender.send(['user input']), false);
        assert.equal(await sender.send(['user input']), false);
        assert.equal(logger.lines.length, 1);
        assert.match(logger.lines[0], /^error .*fetch failed.*ECONNREFUSED/);
    });

    it('should do nothing, and say so as information, without Warren', () => {
        const logger = new RecordingLogger();
        ({ tracker } = makeTracker({ enabled: false, misconfigured: false, reason: 'not set' }, logger));
        tracker.onStart();
        tracker.notifyUserInput();
        assert.deepEqual(logger.lines, ['info Warren idle stop is off: not set']);
    });
});
