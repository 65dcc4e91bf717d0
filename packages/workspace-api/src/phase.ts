import { DesiredState as DesiredStateMessage } from './generated/warren/workspace/v1/DesiredState';
import { Phase as PhaseMessage } from './generated/warren/workspace/v1/Phase';

/** What the tenant asked for. */
export type DesiredState = 'running' | 'stopped';

/** Where a workspace is in its lifecycle (see proto's Phase for what each means). */
export const PHASES = ['pending', 'creating', 'starting', 'running', 'stopping', 'stopped', 'failed', 'deleting'] as const;
export type Phase = typeof PHASES[number];

export function phaseToProto(phase: Phase): PhaseMessage {
    return `PHASE_${phase.toUpperCase()}` as PhaseMessage;
}

/** The phase of a message; an unset or unknown one reads as pending. */
export function phaseFromProto(phase: PhaseMessage | undefined | null): Phase {
    const name = String(phase ?? '').replace(/^PHASE_/, '').toLowerCase();
    return (PHASES as readonly string[]).includes(name) ? name as Phase : 'pending';
}

export function desiredToProto(desired: DesiredState): DesiredStateMessage {
    return desired === 'running' ? 'DESIRED_STATE_RUNNING' : 'DESIRED_STATE_STOPPED';
}

export function desiredFromProto(desired: DesiredStateMessage | undefined | null): DesiredState {
    return desired === 'DESIRED_STATE_STOPPED' ? 'stopped' : 'running';
}
