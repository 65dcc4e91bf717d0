import pinsJson = require('./toolchain.json');

/** One Go tool installed with `go install <module>@<version>`. */
export interface ToolPin {
    /** The module path given to `go install`, e.g. `golang.org/x/tools/gopls`. */
    module: string;
    /** The exact version, e.g. `v0.23.0`. */
    version: string;
}

export type ToolName = 'gopls' | 'dlv';

/** The pinned versions; toolchain.json is the one place they are written, read by the shell scripts too. */
export interface ToolchainPins {
    go: { minimum: string; why: string };
    tools: Record<ToolName, ToolPin>;
    /** The exact versions baked into the workspace image (Dockerfile, scripts/image.sh). */
    image: { debian: string; go: string; node: string };
}

export const TOOL_NAMES: readonly ToolName[] = ['gopls', 'dlv'];

/** Imported rather than read from disk, so that it survives bundling into the IDE's backend. */
export function toolchainPins(): ToolchainPins {
    return pinsJson as ToolchainPins;
}
