import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivePhase, Observation, Phase, PhaseInput } from './phase';

const none: Observation = { storage: 'absent', runtime: 'absent', ready: false };
const idle: Observation = { storage: 'ready', runtime: 'absent', ready: false };

/** Observations in, phase out: one row per situation the reconciler can be in. */
const table: Array<{ name: string; input: PhaseInput; phase: Phase; reason?: RegExp; condition?: RegExp }> = [
    { name: 'a new workspace nothing has touched', input: { desired: 'running', deleting: false, observed: none }, phase: 'pending' },
    { name: 'its folder being made', input: { desired: 'running', deleting: false, observed: { ...none, storage: 'creating' } }, phase: 'creating' },
    { name: 'a folder and no IDE yet', input: { desired: 'running', deleting: false, observed: idle }, phase: 'starting' },
    { name: 'an IDE process starting', input: { desired: 'running', deleting: false, observed: { ...idle, runtime: 'starting' } }, phase: 'starting' },
    { name: 'an IDE running but not answering yet', input: { desired: 'running', deleting: false, observed: { ...idle, runtime: 'running' } }, phase: 'starting' },
    { name: 'an IDE that answers', input: { desired: 'running', deleting: false, observed: { ...idle, runtime: 'running', ready: true } }, phase: 'running' },
    {
        name: 'a GPU start that waits', input: { desired: 'running', deleting: false, observed: { ...idle, runtime: 'starting', waitingFor: 'a GPU of class gpu-small' } },
        phase: 'starting', condition: /Waiting: a GPU of class gpu-small/
    },
    {
        name: 'an IDE that died while wanted', input: { desired: 'running', deleting: false, observed: { ...idle, runtime: 'exited', exitReason: 'signal SIGKILL' } },
        phase: 'failed', reason: /stopped by itself \(signal SIGKILL\)/
    },
    { name: 'a failure recorded earlier, whatever is seen now', input: { desired: 'running', deleting: false, failure: 'port 3000 in use', observed: { ...idle, runtime: 'running', ready: true } }, phase: 'failed', reason: /port 3000 in use/ },
    { name: 'a stop asked of a running IDE', input: { desired: 'stopped', deleting: false, observed: { ...idle, runtime: 'running', ready: true } }, phase: 'stopping' },
    { name: 'an IDE being stopped', input: { desired: 'stopped', deleting: false, observed: { ...idle, runtime: 'stopping' } }, phase: 'stopping' },
    { name: 'an IDE that exited after a stop', input: { desired: 'stopped', deleting: false, observed: { ...idle, runtime: 'exited', exitReason: 'exit code 0' } }, phase: 'stopped' },
    { name: 'a stopped workspace', input: { desired: 'stopped', deleting: false, observed: idle }, phase: 'stopped' },
    { name: 'a workspace created stopped', input: { desired: 'stopped', deleting: false, observed: none }, phase: 'stopped' },
    {
        name: 'a stop held back by an editor that cannot be saved',
        input: { desired: 'stopped', deleting: false, stopHeldBack: 'Untitled-1 has never been saved', observed: { ...idle, runtime: 'running', ready: true } },
        phase: 'running', condition: /^StopHeldBack: Untitled-1 has never been saved$/
    },
    { name: 'a held-back stop whose IDE went', input: { desired: 'stopped', deleting: false, stopHeldBack: 'x', observed: idle }, phase: 'stopped' },
    { name: 'a deletion, even of a failed one', input: { desired: 'running', deleting: true, failure: 'x', observed: { ...idle, runtime: 'running' } }, phase: 'deleting' }
];

describe('derivePhase', () => {
    for (const row of table) {
        it(`should call ${row.name} ${row.phase}`, () => {
            const status = derivePhase(row.input);
            assert.equal(status.phase, row.phase);
            if (row.reason) {
                assert.match(status.failureReason ?? '', row.reason);
            } else {
                assert.equal(status.failureReason, undefined);
            }
            if (row.condition) {
                assert.match(status.conditions.join('\n'), row.condition);
            }
        });
    }
});
