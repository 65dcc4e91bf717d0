import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { processStat } from './process-stat';
import { groupAlive, groupRunning, stopProcessGroup } from './start-ide';

/** A detached shell that leads its own group, with a child of its own, as an IDE backend leads its watchers and plugin hosts. */
function group(): number {
    const child = spawn('sh', ['-c', 'sleep 300 & exec sleep 300'], { detached: true, stdio: 'ignore' });
    child.unref();
    return child.pid!;
}

describe('process groups', () => {
    it('should read a process\'s state and group from /proc', () => {
        const pid = group();
        try {
            const stat = processStat(pid);
            assert.equal(stat?.pgrp, pid);
            // Running, sleeping, or (on a busy disk, while it loads) in uninterruptible sleep: alive, not a zombie.
            assert.match(stat!.state, /^[RSD]$/);
            assert.equal(processStat(2 ** 22 + 1), undefined, 'no such process');
        } finally {
            process.kill(-pid, 'SIGKILL');
        }
    });

    it('should stop a whole group, waiting until it is empty', async () => {
        const pid = group();
        assert.equal(groupRunning(pid), true);
        await stopProcessGroup(pid, 5_000);
        assert.equal(groupAlive(pid), false, 'no process of the group is left, zombies included');
    });

    it('should stop a whole group, waiting until nothing of it runs, when reaping is not awaited', async () => {
        const pid = group();
        await stopProcessGroup(pid, 5_000, { untilReaped: false });
        assert.equal(groupRunning(pid), false, 'nothing of the group runs');
        // Whatever is left waits only to be reaped by PID 1.
        assert.ok(!groupAlive(pid) || processStat(pid) === undefined || processStat(pid)!.state === 'Z');
    });
});
