import * as fs from 'fs';
import * as path from 'path';
import { warrenCacheDir } from './cache-dir';
import { ToolchainError } from './errors';
import { run } from './exec';
import { GoInfo } from './find-go';
import { ToolName, toolchainPins } from './pins';

/** A Go tool (gopls or dlv) as Warren will run it. */
export interface ToolInfo {
    name: ToolName;
    /** Absolute path of the binary. */
    path: string;
    /** The version it reports, e.g. `v0.23.0`; undefined when it did not run. */
    version?: string;
    /** Where the path came from: an override variable, or the pinned install in the cache. */
    source: 'override' | 'cache';
}

const OVERRIDE_VARS: Record<ToolName, string> = { gopls: 'WARREN_GOPLS', dlv: 'WARREN_DLV' };

/** The cache path of a pinned tool: <cache>/tools/<name>@<version>/<name>. */
export function pinnedToolPath(name: ToolName, env: NodeJS.ProcessEnv = process.env): string {
    const pin = toolchainPins().tools[name];
    return path.join(warrenCacheDir(env), 'tools', `${name}@${pin.version}`, name);
}

/** Where Warren takes a tool from: the override variable (WARREN_GOPLS, WARREN_DLV) when set, else the pinned install. */
export function toolPath(name: ToolName, env: NodeJS.ProcessEnv = process.env): { path: string; source: ToolInfo['source'] } {
    const override = env[OVERRIDE_VARS[name]];
    return override ? { path: path.resolve(override), source: 'override' } : { path: pinnedToolPath(name, env), source: 'cache' };
}

/** Runs the tool to read its version; undefined when it is missing or does not run. */
export async function toolVersion(name: ToolName, binary: string): Promise<string | undefined> {
    try {
        const { stdout } = await run(binary, ['version'], { timeoutMs: 10_000 });
        // gopls: "golang.org/x/tools/gopls v0.23.0"; dlv: "Delve Debugger\nVersion: 1.27.2"
        const m = name === 'gopls' ? /gopls\s+(v\S+)/.exec(stdout) : /Version:\s*(\S+)/.exec(stdout);
        return m ? (m[1].startsWith('v') ? m[1] : `v${m[1]}`) : undefined;
    } catch {
        return undefined;
    }
}

export async function describeTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): Promise<ToolInfo> {
    const where = toolPath(name, env);
    return { name, ...where, version: await toolVersion(name, where.path) };
}

/**
 * Makes sure a tool is there: the override when set (it must exist), else the pinned version in the cache,
 * installed with `go install` through the module proxy when missing. The binary is built into a temporary
 * folder and renamed into place, so an interrupted install never leaves a half-written tool behind.
 */
export async function ensureTool(name: ToolName, go: GoInfo, env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => undefined): Promise<ToolInfo> {
    const where = toolPath(name, env);
    if (where.source === 'override') {
        const info = await describeTool(name, env);
        if (!info.version) {
            throw new ToolchainError(`${OVERRIDE_VARS[name]} names ${where.path}, which does not run. Point it at a working ${name} binary or unset it.`, 'tool-missing');
        }
        return info;
    }
    if (!fs.existsSync(where.path)) {
        const pin = toolchainPins().tools[name];
        const target = path.dirname(where.path);
        const staging = `${target}.tmp-${process.pid}`;
        fs.rmSync(staging, { recursive: true, force: true });
        fs.mkdirSync(staging, { recursive: true });
        log(`installing ${name} ${pin.version} with go install (first time only; this takes a minute or two)...`);
        const started = Date.now();
        try {
            await run(go.path, ['install', `${pin.module}@${pin.version}`], { env: { ...env, GOBIN: staging, GOFLAGS: '-mod=mod' }, timeoutMs: 15 * 60_000 });
            fs.rmSync(target, { recursive: true, force: true });
            fs.renameSync(staging, target);
        } catch (err) {
            fs.rmSync(staging, { recursive: true, force: true });
            throw new ToolchainError(`Installing ${name} ${pin.version} failed: ${(err as Error).message}. ` +
                'Check that the Go module proxy is reachable (go env GOPROXY) and try again.', 'install-failed');
        }
        log(`installed ${name} ${pin.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return describeTool(name, env);
}
