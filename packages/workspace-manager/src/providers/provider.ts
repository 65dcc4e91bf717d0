import { WorkspaceClass } from '../classes';
import { Observation } from '../lifecycle/phase';
import { WorkspaceRecord } from '../model';

/** What a provider reports beyond the observation: where the IDE is and what it runs on. */
export interface RuntimeFacts {
    url?: string;
    node?: string;
    runtimeId?: string;
    gpu?: string;
    /** What the provider could not apply of the class, said as conditions (e.g. the local provider and GPUs). */
    notes: string[];
}

/**
 * Converges one workspace's runtime to what the reconciler asks and reports what it sees. The
 * local provider runs processes and folders on this machine; the Kubernetes provider will run pods
 * and volumes behind the same interface.
 */
export interface Provider {
    readonly name: string;
    observe(ws: WorkspaceRecord): Promise<Observation & RuntimeFacts>;
    ensureStorage(ws: WorkspaceRecord): Promise<void>;
    /** Starts the IDE; resolves when it is started or fails with a reason a user can act on. */
    start(ws: WorkspaceRecord, cls: WorkspaceClass): Promise<void>;
    /** Stops the IDE; its files stay. */
    stop(ws: WorkspaceRecord): Promise<void>;
    /** Removes the runtime and the files. */
    remove(ws: WorkspaceRecord): Promise<void>;
    /** Called when something changed that the reconciler should look at soon (an IDE exited). */
    onDidChange(listener: (tenant: string, id: string) => void): void;
    dispose(): Promise<void>;
}
