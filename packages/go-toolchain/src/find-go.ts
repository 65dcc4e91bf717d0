import * as fs from 'fs';
import * as path from 'path';
import { ToolchainError } from './errors';
import { run } from './exec';
import { isExecutableFile } from './executable';
import { compareGoVersions, formatGoVersion, GoVersion, parseGoVersion } from './go-version';
import { toolchainPins } from './pins';

/** The Go toolchain in use. */
export interface GoInfo {
    /** Absolute path of the go binary. */
    path: string;
    /** The version it reports. */
    version: GoVersion;
    /** Its GOROOT. */
    goroot: string;
}

const INSTALL_HINT = 'Install Go from https://go.dev/dl/ and put its bin folder on PATH, or set WARREN_GO to the go binary.';

/** Finds the go binary: WARREN_GO when set, otherwise the first `go` on PATH. */
export function locateGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.WARREN_GO) {
        return env.WARREN_GO;
    }
    for (const dir of (env.PATH ?? '').split(path.delimiter)) {
        if (!dir) {
            continue;
        }
        const candidate = path.join(dir, 'go');
        if (isExecutableFile(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

/** Finds go and checks that it is at least the minimum version; throws a ToolchainError that says how to fix it. */
export async function findGo(env: NodeJS.ProcessEnv = process.env): Promise<GoInfo> {
    const { minimum, why } = toolchainPins().go;
    const goPath = locateGo(env);
    if (!goPath) {
        throw new ToolchainError(`Go was not found on PATH. Warren needs Go ${minimum} or newer (${why}). ${INSTALL_HINT}`, 'go-missing');
    }
    let output: string;
    try {
        output = (await run(goPath, ['env', 'GOVERSION', 'GOROOT'], { env })).stdout;
    } catch (err) {
        throw new ToolchainError(`${goPath} did not run: ${(err as Error).message}. ${INSTALL_HINT}`, 'go-broken');
    }
    const [versionLine, goroot] = output.trim().split('\n');
    const version = parseGoVersion(versionLine ?? '');
    if (!version) {
        throw new ToolchainError(`${goPath} printed no Go version ("${versionLine}"). ${INSTALL_HINT}`, 'go-broken');
    }
    const min = parseGoVersion(minimum)!;
    if (compareGoVersions(version, min) < 0) {
        throw new ToolchainError(
            `${goPath} is Go ${formatGoVersion(version)}, older than the Go ${minimum} Warren needs (${why}). ${INSTALL_HINT}`, 'go-too-old');
    }
    return { path: fs.realpathSync(goPath), version, goroot: (goroot ?? '').trim() };
}
