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
    /** While the IDE does not answer yet: the last thing it said (its log's last line), for the message if its start times out. */
    lastWords?: string;
    /** While the files are being made (a git clone): the last progress line. */
    progress?: string;
}

/** A workspace by its key; what a provider needs to find a runtime it has. */
export interface WorkspaceRef {
    tenant: string;
    id: string;
}

/**
 * Converges one workspace's runtime to what the reconciler asks and reports what it sees. The
 * local provider runs processes and folders on this machine; the Kubernetes provider runs pods and
 * volumes behind the same interface. Every call is idempotent.
 */
export interface Provider {
    readonly name: string;
    /** Gets ready to observe (the Kubernetes provider fills its informers' caches); resolves when it can. */
    prepare?(): Promise<void>;
    observe(ws: WorkspaceRecord): Promise<Observation & RuntimeFacts>;
    ensureStorage(ws: WorkspaceRecord): Promise<void>;
    /**
     * Launches the IDE and returns without waiting for it: readiness is seen by a later observe.
     * Fails with a reason a user can act on. Never makes a second IDE for one workspace.
     */
    start(ws: WorkspaceRecord, cls: WorkspaceClass): Promise<void>;
    /** Stops the IDE, and any stray one for the same workspace; its files stay. */
    stop(ref: WorkspaceRef): Promise<void>;
    /** Removes the runtime and the files. */
    remove(ref: WorkspaceRef): Promise<void>;
    /** Every workspace this provider has a runtime for, found again after any crash of the manager. */
    list(): Promise<WorkspaceRef[]>;
    /** Called when something changed that the reconciler should look at soon (an IDE exited). */
    onDidChange(listener: (tenant: string, id: string) => void): () => void;
    dispose(): Promise<void>;
}
