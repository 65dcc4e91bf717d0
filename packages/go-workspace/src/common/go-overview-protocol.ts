/** Where the backend serves the Go overview of the workspace (what the welcome page shows). */
export const GO_OVERVIEW_SERVICE_PATH = '/services/warren/go-overview';

export const GoOverviewService = Symbol('GoOverviewService');

/** What `go list` says of a workspace folder: its modules, the programs in it and its tests. */
export interface GoOverviewService {
    /** For a workspace folder (a path on the workspace's machine); never throws for a folder that is not Go (see `error`). */
    describe(folder: string): Promise<GoOverview>;
}

export interface GoPackageEntry {
    importPath: string;
    /** The package's folder relative to the workspace folder, "." for the folder itself. */
    dir: string;
}

export interface GoTestEntry extends GoPackageEntry {
    /** `TestName`, as `go test -run` takes it. */
    name: string;
    /** The file it is in, relative to the workspace folder. */
    file: string;
}

export interface GoOverview {
    /** Module paths, main module first. */
    modules: string[];
    /** Packages named main: what `go run` and a launch configuration can start. */
    mains: GoPackageEntry[];
    /** Test functions, at most MAX_TESTS, in package then file order. */
    tests: GoTestEntry[];
    /** How many test functions there are in all. */
    testCount: number;
    /** Why nothing could be listed (no go.mod, go missing, a broken go.mod), in go's words. */
    error?: string;
}

export const MAX_TESTS = 8;
