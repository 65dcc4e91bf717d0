import { DesiredState, Phase, SourceSpec } from '@warren/workspace-api';

/** What the reconciler last observed and derived; only the reconciler writes it. version orders the updates of one workspace. */
export interface WorkspaceStatus {
    phase: Phase;
    version: number;
    url?: string;
    /** Why it failed, in words a user can act on. Sticky while the intent stays as it was (see failedGeneration). */
    failureReason?: string;
    /** The intent's generation when the failure was recorded: a newer intent (a start, a stop) clears the failure. */
    failedGeneration?: number;
    conditions: string[];
    node?: string;
    runtimeId?: string;
    gpu?: string;
    /** Set once the workspace is idle and its IDE was warned: when it will be stopped (RFC 3339). */
    idleStopsAt?: string;
    /** While its files are being made (a git clone): the last progress line. */
    progress?: string;
    updatedAt: string;
}

/** The tenant's intent: only the API (and the idle clock, on the tenant's behalf) writes it. */
export interface WorkspaceIntent {
    desired: DesiredState;
    /** Deletion was asked for; the record goes once the runtime and files are gone. */
    deleting: boolean;
    /** Stop even if editors cannot be saved; cleared by the next start. */
    forceStop: boolean;
}

/** One workspace: the tenant's intent and the observed status, as a store keeps it. */
export interface WorkspaceRecord extends WorkspaceIntent {
    tenant: string;
    id: string;
    name: string;
    className: string;
    goEnv: Record<string, string>;
    /** Where its files come from on the first start; set at creation, never changed. */
    source: SourceSpec;
    createdAt: string;
    /** Counts the changes of intent, starting at 1; versioned intent writes compare it. */
    generation: number;
    status: WorkspaceStatus;
}

/** A bearer token's record; the token itself is never stored, only its SHA-256. */
export interface TokenRecord {
    id: string;
    /** The tenant it acts for; undefined for an admin token, which sees every tenant. */
    tenant?: string;
    description: string;
    createdAt: string;
}
