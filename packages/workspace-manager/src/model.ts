import { DesiredState, Phase } from './lifecycle/phase';

/** A DNS-1123 label: what ids and tenant names must be, since they become folder names, hosts and namespaces. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What the reconciler last observed and derived; version orders the updates of one workspace. */
export interface WorkspaceStatus {
    phase: Phase;
    version: number;
    url?: string;
    failureReason?: string;
    conditions: string[];
    node?: string;
    runtimeId?: string;
    gpu?: string;
    updatedAt: string;
}

/** One workspace: the tenant's intent and the observed status, as the store keeps it. */
export interface WorkspaceRecord {
    tenant: string;
    id: string;
    name: string;
    className: string;
    desired: DesiredState;
    /** Deletion was asked for; the record goes once the runtime and files are gone. */
    deleting: boolean;
    /** A failure recorded by the reconciler; cleared when the tenant starts the workspace again. */
    failure?: string;
    goEnv: Record<string, string>;
    createdAt: string;
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
