/** Where the backend serves the Go toolchain service. */
export const GO_TOOLCHAIN_SERVICE_PATH = '/services/warren/go-toolchain';

export const GoToolchainService = Symbol('GoToolchainService');

/** Tells the IDE which Go toolchain the workspace uses. */
export interface GoToolchainService {
    /** Reports go, gopls and dlv as the backend finds them; never throws for a missing toolchain (see `error`). */
    getToolchain(): Promise<GoToolchainStatus>;
}

/** One binary of the toolchain. */
export interface GoToolStatus {
    /** `go`, `gopls` or `dlv`. */
    name: string;
    /** Absolute path of the binary on the workspace's machine. */
    path: string;
    /** The version it reports, e.g. `1.26.8` or `v0.23.0`; undefined when it is missing or does not run. */
    version?: string;
    /** Where it comes from: PATH or WARREN_GO for go, the pinned cache install or an override variable for the tools. */
    source: string;
}

export interface GoToolchainStatus {
    /** go first, then gopls and dlv; empty when go itself was not found. */
    tools: GoToolStatus[];
    /** What is wrong and how to fix it, when go is missing or too old. */
    error?: string;
}
