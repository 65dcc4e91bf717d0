/**
 * The lifecycle of a workspace as a pure function: what the tenant wants and what the provider
 * observes in, the phase out. Acting on it is the reconciler's job, elsewhere. (Gitpod's
 * ws-manager-mk2 and Coder keep the same split: intent, observation, derived status.)
 */

import { DesiredState, Phase } from '@warren/workspace-api';

export { DesiredState, Phase };

/** What the provider sees of a workspace's runtime (a process and a folder, or a pod and a volume). */
export interface Observation {
    /** The workspace's files: not made yet, being made, or there. */
    storage: 'absent' | 'creating' | 'ready';
    /** The IDE: none, starting, running, being stopped, or ended by itself. */
    runtime: 'absent' | 'starting' | 'running' | 'stopping' | 'exited';
    /** The IDE answers on its port. */
    ready: boolean;
    /** Why the runtime ended, when it did ("exit code 1: out of memory", "signal SIGKILL"). */
    exitReason?: string;
    /** What the runtime waits for, said to the user ("waiting for a GPU of class gpu-small"). */
    waitingFor?: string;
    /** When the current runtime was launched (ms since the epoch): a start that takes too long fails. */
    launchedAt?: number;
    /** Waiting longer would not help (no node took it within the class's timeout, an image that never pulls): why, for the failure. */
    gaveUp?: string;
}

export interface PhaseInput {
    desired: DesiredState;
    /** Deletion was asked for. */
    deleting: boolean;
    /** A failure recorded earlier; it stays until the tenant starts the workspace again. */
    failure?: string;
    /** A stop was asked for but the IDE could not save everything: what it could not save. */
    stopHeldBack?: string;
    observed: Observation;
}

export interface DerivedStatus {
    phase: Phase;
    /** Set when phase is failed: why, in words a user can act on. */
    failureReason?: string;
    /** Other facts worth showing, e.g. what a start waits for. */
    conditions: string[];
}

export function derivePhase(input: PhaseInput): DerivedStatus {
    const { desired, observed } = input;
    const conditions = observed.waitingFor ? [`Waiting: ${observed.waitingFor}`] : [];
    if (input.deleting) {
        return { phase: 'deleting', conditions };
    }
    if (input.failure) {
        return { phase: 'failed', failureReason: input.failure, conditions };
    }
    if (desired === 'running') {
        if (observed.runtime === 'exited') {
            return { phase: 'failed', failureReason: `The IDE stopped by itself (${observed.exitReason ?? 'no reason given'}).`, conditions };
        }
        if (observed.runtime === 'stopping') {
            return { phase: 'stopping', conditions };
        }
        if (observed.runtime === 'running' && observed.ready) {
            return { phase: 'running', conditions };
        }
        if (observed.runtime !== 'absent') {
            return { phase: 'starting', conditions };
        }
        return { phase: observed.storage === 'absent' ? 'pending' : observed.storage === 'creating' ? 'creating' : 'starting', conditions };
    }
    // desired === 'stopped': an exit is what was asked for.
    if (observed.runtime === 'absent' || observed.runtime === 'exited') {
        return { phase: observed.storage === 'creating' ? 'creating' : 'stopped', conditions };
    }
    if (input.stopHeldBack && observed.runtime === 'running' && observed.ready) {
        // The IDE keeps running, and reachable, so that its user can save or close what holds the stop.
        return { phase: 'running', conditions: [...conditions, `StopHeldBack: ${input.stopHeldBack}`] };
    }
    return { phase: 'stopping', conditions };
}
