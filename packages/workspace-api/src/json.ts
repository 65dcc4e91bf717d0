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
