import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartPolicy } from './restart-policy';

describe('RestartPolicy', () => {
    it('should allow maxRestarts crashes within the window, then stop', () => {
        const policy = new RestartPolicy(2, 60_000);
        assert.equal(policy.onCrash({ at: 0, reason: 'exit code 2' }), true);
        assert.equal(policy.onCrash({ at: 1000, reason: 'signal SIGKILL' }), true);
        assert.equal(policy.onCrash({ at: 2000, reason: 'exit code 2' }), false);
        assert.equal(policy.summary(), '3 crashes: exit code 2; signal SIGKILL; exit code 2');
    });

    it('should forget crashes older than the window', () => {
        const policy = new RestartPolicy(1, 60_000);
        assert.equal(policy.onCrash({ at: 0, reason: 'a' }), true);
        assert.equal(policy.onCrash({ at: 120_000, reason: 'b' }), true);
        assert.equal(policy.onCrash({ at: 121_000, reason: 'c' }), false);
    });

    it('should start over after a reset', () => {
        const policy = new RestartPolicy(0);
        assert.equal(policy.onCrash({ at: 0, reason: 'a' }), false);
        policy.reset();
        assert.equal(policy.crashes.length, 0);
    });
});
