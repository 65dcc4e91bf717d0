/**
 * The dashboard's JSON (GET /api/workspaces, /api/events): one definition for the gateway that writes
 * it and the pages that read it. Plain types only: the pages import this file.
 */
import type { DesiredState, Phase } from './phase';

export interface WorkspaceJson {
    /** DNS-1123 label, unique in the tenant. */
    id: string;
    /** What a person called it. */
    name: string;
    className: string;
    desiredState: DesiredState;
    phase: Phase;
    /** Orders the updates of one workspace: a higher version is newer. */
    version: number;
    /** Set when phase is failed. */
    failureReason: string;
    /** "Name: message" lines, such as "StopHeldBack: ..." or "Waiting: a GPU of class gpu". */
    conditions: string[];
    /** While its files are cloned from a git repository: git's last progress line ("Receiving objects: 45% (450/1000)"). */
    progress: string;
    /** Where its files came from: a git repository's URL (with "#ref" when one was asked for), or "" for the template. */
    source: string;
    /** When an idle workspace will be stopped (RFC 3339), or empty while it is in use. */
    idleStopsAt: string;
    createdAt: string;
    updatedAt: string;
    /** The workspace's own origin, for display. */
    url: string;
    /** The gateway page that starts (if needed) and opens the workspace. */
    openPath: string;
}

/** One event of the dashboard's stream. */
export interface WorkspaceEventJson {
    workspace: WorkspaceJson;
    deleted: boolean;
}

/** GET /api/v1/credentials: the tenant's git hosts with a token (never the token) and its SSH public key. */
export interface GitCredentialsView {
    credentials: Array<{ host: string; username: string; createdAt: string }>;
    sshPublicKey: string;
    sshFingerprint: string;
}
