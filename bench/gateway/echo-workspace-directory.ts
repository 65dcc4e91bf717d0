/**
 * The gateway bench's WorkspaceDirectory: one running workspace whose IDE is the echo backend, in place of the
 * workspace manager (which would start a real IDE). The proxy only ever asks `get` and reports activity (dropped
 * here); the dashboard's calls that would change workspaces are not made by the bench.
 */
import type { ClassView, WorkspaceDirectory, WorkspaceView } from '@warren/gateway';

export const BENCH_TENANT = 'bench';
export const BENCH_WORKSPACE = 'echo';

export class EchoWorkspaceDirectory implements WorkspaceDirectory {
    protected readonly workspace: WorkspaceView;

    constructor(ideUrl: string) {
        const now = new Date().toISOString();
        this.workspace = {
            tenant: BENCH_TENANT, id: BENCH_WORKSPACE, name: BENCH_WORKSPACE, className: 'small',
            desiredState: 'running', phase: 'running', version: 1, failureReason: '', conditions: [], idleStopsAt: '', progress: '', source: '',
            createdAt: now, updatedAt: now, ideUrl
        };
    }

    get(tenant: string, id: string): WorkspaceView | undefined {
        return tenant === this.workspace.tenant && id === this.workspace.id ? this.workspace : undefined;
    }

    list(tenant?: string): WorkspaceView[] {
        return tenant === undefined || tenant === this.workspace.tenant ? [this.workspace] : [];
    }

    /** The workspace never changes. */
    onChange(): () => void {
        return () => undefined;
    }

    async classes(): Promise<ClassView[]> {
        return [];
    }

    create(): Promise<WorkspaceView> {
        return notUsed('create');
    }

    start(): Promise<WorkspaceView> {
        return notUsed('start');
    }

    stop(): Promise<WorkspaceView> {
        return notUsed('stop');
    }

    remove(): Promise<WorkspaceView> {
        return notUsed('remove');
    }

    gitCredentials(): Promise<never> {
        return notUsed('gitCredentials');
    }

    addGitCredential(): Promise<void> {
        return notUsed('addGitCredential');
    }

    removeGitCredential(): Promise<void> {
        return notUsed('removeGitCredential');
    }

    /** The proxy reports every request; there is no idle clock to tell. */
    reportActivity(): void {
        // nothing to do
    }
}

function notUsed(call: string): Promise<never> {
    return Promise.reject(new Error(`${call}: not used by the benchmark`));
}
