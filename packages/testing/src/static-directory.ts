import { GitCredentialsView, WorkspaceClassMessage, WorkspaceView } from '@warren/workspace-api';

/** A running workspace as the manager would report it, for a gateway in front of a stand-in IDE at ideUrl. */
export function runningWorkspace(tenant: string, id: string, ideUrl: string): WorkspaceView {
    const at = new Date().toISOString();
    return {
        tenant, id, name: id, className: 'small', desiredState: 'running', phase: 'running', version: 1,
        failureReason: '', conditions: [], idleStopsAt: '', progress: '', source: '', createdAt: at, updatedAt: at, ideUrl
    };
}

/**
 * The workspace manager as the gateway sees it (its WorkspaceDirectory), with a fixed set of
 * workspaces, for gateway tests that need no manager: the calls that would change one throw.
 */
export class StaticDirectory {
    constructor(readonly workspaces: WorkspaceView[] = []) { }

    get(tenant: string, id: string): WorkspaceView | undefined {
        return this.workspaces.find(ws => ws.tenant === tenant && ws.id === id);
    }

    list(tenant?: string): WorkspaceView[] {
        return this.workspaces.filter(ws => tenant === undefined || ws.tenant === tenant);
    }

    onChange(): () => void {
        return () => undefined;
    }

    async classes(): Promise<WorkspaceClassMessage[]> {
        return [];
    }

    async create(): Promise<WorkspaceView> {
        throw new Error('StaticDirectory: not used by this test');
    }

    async start(): Promise<WorkspaceView> {
        throw new Error('StaticDirectory: not used by this test');
    }

    async stop(): Promise<WorkspaceView> {
        throw new Error('StaticDirectory: not used by this test');
    }

    async remove(): Promise<WorkspaceView> {
        throw new Error('StaticDirectory: not used by this test');
    }

    async gitCredentials(): Promise<GitCredentialsView> {
        throw new Error('StaticDirectory: not used by this test');
    }

    async addGitCredential(): Promise<void> {
        throw new Error('StaticDirectory: not used by this test');
    }

    async removeGitCredential(): Promise<void> {
        throw new Error('StaticDirectory: not used by this test');
    }

    reportActivity(): void {
        // Nobody to report to.
    }
}
