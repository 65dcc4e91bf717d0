/** What the serial and the concurrent parts of the workspaces bench share: failures, named steps and the waits. */
import { performance } from 'perf_hooks';
import { phaseFromProto, WorkspaceMessage } from '@warren/workspace-api';
import { START_TIMEOUT_MS } from './direct';
import { isDeleted, isStopped, ManagerClient } from './manager-client';
import { waitHttp200 } from './processes';

export const STOP_TIMEOUT_MS = 30_000;
export const DELETE_TIMEOUT_MS = 30_000;

export interface Failure {
    /** direct and manager: one at a time; serial: the serial baseline; concurrent: the bursts and the stops during them. */
    mode: 'direct' | 'manager' | 'unsandboxed' | 'serial' | 'concurrent';
    /** 1-based run, workspace or burst; 0 for the warm-up or the mode as a whole. */
    run: number;
    step: string;
    error: string;
}

/** An error that says which step of a sample it ended. */
export class StepError extends Error {
    constructor(readonly step: string, cause: Error) {
        super(cause.message);
    }
}

export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (err) {
        throw err instanceof StepError ? err : new StepError(name, err as Error);
    }
}

/** The url of a running workspace answers 200: from t0 to that answer, and to the RUNNING message before it. */
export async function untilListening(client: ManagerClient, ws: WorkspaceMessage, runningAt: number, t0: number, timeoutMs = START_TIMEOUT_MS): Promise<{ runningMs: number; listeningMs: number; answeredAt: number }> {
    const answeredAt = await waitHttp200(ws.status!.url, timeoutMs, client.ideHeaders(ws.id));
    return { runningMs: Math.round(runningAt - t0), listeningMs: Math.round(answeredAt - t0), answeredAt };
}

export interface TimedStop {
    /** StopWorkspace sent → PHASE_STOPPED: the whole stop path (prepare-stop to the IDE, then its process group gone). */
    stopMs: number;
    /**
     * StopWorkspace sent → PHASE_STOPPING: until the reconciler took the stop up, before it asks the IDE to save; the
     * rest of stopMs is prepare-stop and the IDE's exit. Null when no STOPPING message came before STOPPED.
     */
    toStoppingMs: number | null;
    /** performance.now() when PHASE_STOPPED arrived. */
    stoppedAt: number;
}

/** Stops a running workspace and times it, with the moment the manager took the stop up. */
export async function timedStop(client: ManagerClient, id: string): Promise<TimedStop> {
    // Registered before the call; it takes STOPPED too, so that it never outlives the stop.
    const stopping = client.after(async () => undefined, id, ws => ['stopping', 'stopped'].includes(phaseFromProto(ws.status?.phase)), 'stop → stopping', STOP_TIMEOUT_MS)
        .catch(() => undefined);
    const issued = performance.now();
    const stopped = await client.after(() => client.api.stopWorkspace({ id }), id, isStopped, 'stop → stopped', STOP_TIMEOUT_MS);
    const first = await stopping;
    return {
        stopMs: Math.round(stopped.at - issued),
        toStoppingMs: first && phaseFromProto(first.workspace.status?.phase) === 'stopping' ? Math.round(first.at - issued) : null,
        stoppedAt: stopped.at
    };
}

export async function deleteWorkspace(client: ManagerClient, id: string): Promise<void> {
    await client.after(() => client.api.deleteWorkspace({ id }), id, isDeleted, 'delete', DELETE_TIMEOUT_MS);
}

/** The manager's log lines that matter to a sample, by workspace id (the manager logs warnings with `workspace`). */
export class ManagerLog {
    private readonly unanswered = new Map<string, number>();

    record(entry: Record<string, unknown>): void {
        if (typeof entry.msg === 'string' && entry.msg.includes('did not answer prepare-stop') && typeof entry.workspace === 'string') {
            this.unanswered.set(entry.workspace, (this.unanswered.get(entry.workspace) ?? 0) + 1);
        }
    }

    /** How many stops of workspace id went ahead without an answer to prepare-stop (nothing was saved first). */
    unansweredPrepareStops(id: string): number {
        return this.unanswered.get(id) ?? 0;
    }
}
