import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { describe, it } from 'node:test';
import { SessionStore } from './auth-store';
import { SessionGuard } from './session-guard';

/** A socket that only records whether it was closed. */
class FakeSocket extends EventEmitter {
    destroyed = false;

    destroy(): void {
        this.destroyed = true;
        this.emit('close');
    }
}

/** The sessions that are live, and the look-ups made; `hold` keeps the next look-up waiting until released. */
class Sessions {
    live = new Set<string>();
    asked: string[][] = [];
    hold?: Promise<void>;

    async liveSessions(ids: readonly string[]): Promise<Set<string>> {
        this.asked.push([...ids]);
        const answer = new Set(ids.filter(id => this.live.has(id)));
        await this.hold;
        return answer;
    }
}

describe('SessionGuard', () => {
    const guardOf = (sessions: Sessions, ended: number[] = []): SessionGuard =>
        new SessionGuard(sessions as unknown as SessionStore, n => ended.push(n), () => undefined, 60_000);
    const socket = (): FakeSocket & net.Socket => new FakeSocket() as FakeSocket & net.Socket;

    it('should close the connections of ended sessions only, and count them', async () => {
        const sessions = new Sessions();
        const ended: number[] = [];
        const guard = guardOf(sessions, ended);
        const [a1, a2, b] = [socket(), socket(), socket()];
        sessions.live = new Set(['a', 'b']);
        guard.track(a1, 'a');
        guard.track(a2, 'a');
        guard.track(b, 'b');
        await guard.check();
        assert.deepEqual([a1.destroyed, a2.destroyed, b.destroyed], [false, false, false]);
        assert.deepEqual(sessions.asked.at(-1), ['a', 'b'], 'each session once');
        sessions.live.delete('a');
        await guard.check();
        assert.deepEqual([a1.destroyed, a2.destroyed, b.destroyed], [true, true, false]);
        assert.deepEqual(ended, [2]);
        guard.close();
    });

    it('should leave a socket alone whose next request came with a live session while it asked', async () => {
        const sessions = new Sessions();
        const guard = guardOf(sessions);
        const keepAlive = socket();
        guard.track(keepAlive, 'old');
        let release = (): void => undefined;
        sessions.hold = new Promise(resolve => { release = resolve; });
        const checked = guard.check();
        sessions.live.add('new');
        guard.track(keepAlive, 'new');
        sessions.hold = undefined;
        release();
        await checked;
        assert.equal(keepAlive.destroyed, false);
        guard.close();
    });

    it('should look again after a check that was asked for during one, and forget what stopped being watched', async () => {
        const sessions = new Sessions();
        const guard = guardOf(sessions);
        const [stream, other] = [socket(), socket()];
        sessions.live = new Set(['s']);
        const untrack = guard.track(stream, 's');
        guard.track(other, 's');
        let release = (): void => undefined;
        sessions.hold = new Promise(resolve => { release = resolve; });
        const first = guard.check();
        // A sign-out while the look-up is on its way: the answer may be from before it.
        sessions.live.clear();
        const second = guard.check();
        untrack();
        sessions.hold = undefined;
        release();
        await Promise.all([first, second]);
        assert.equal(sessions.asked.length, 2);
        assert.equal(other.destroyed, true, 'the second look saw the sign-out');
        assert.equal(stream.destroyed, false, 'no longer watched');
        guard.close();
    });
});
