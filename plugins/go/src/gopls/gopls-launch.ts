import { isExecutableFile, toolPath } from '@warren/go-toolchain';
import { toolsEnv } from './go-env';
import { MemoryLimit } from './memory-limit';

/** The language-server settings, as read from `go.languageServer.*` and `go.toolsEnvVars`. */
export interface GoplsSettings {
    /** go.languageServer.path: another gopls binary; empty: the pinned one. */
    path: string;
    /** go.languageServer.flags: passed to gopls before anything else, e.g. ["-rpc.trace"]. */
    flags: unknown;
    /** go.toolsEnvVars: GOPROXY and friends. */
    toolsEnvVars: unknown;
}

/** How to start gopls: the process and its environment, with what the user should know about it. */
export interface GoplsLaunch {
    command: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    /** Lines for the Go output channel: where gopls comes from, its memory limit, ignored settings. */
    notes: string[];
}

/** Builds the launch; throws an Error whose message says how to fix a missing gopls or a bad setting. */
export function goplsLaunch(settings: GoplsSettings, memory: MemoryLimit, baseEnv: NodeJS.ProcessEnv = process.env): GoplsLaunch {
    const notes: string[] = [];
    const configured = settings.path.trim();
    const pinned = toolPath('gopls', baseEnv);
    const command = configured || pinned.path;
    const origin = configured ? 'go.languageServer.path' : pinned.source === 'override' ? 'WARREN_GOPLS' : undefined;
    if (!isExecutableFile(command)) {
        throw new Error(origin
            ? `${origin} names ${command}, which is not an executable file. Point it at a gopls binary, or clear it to use the pinned gopls.`
            : `gopls was not found at ${command}. Run "scripts/start.sh" (it installs the pinned gopls), or set go.languageServer.path.`);
    }
    notes.push(`gopls: ${command}${origin ? ` (${origin})` : ''}`);
    const flags = settings.flags ?? [];
    if (!Array.isArray(flags) || !flags.every(f => typeof f === 'string')) {
        throw new Error('go.languageServer.flags must be a list of strings, such as ["-rpc.trace"].');
    }
    const tools = toolsEnv(settings.toolsEnvVars);
    notes.push(...tools.problems);
    const env: NodeJS.ProcessEnv = { ...baseEnv, ...tools.env };
    if (baseEnv.GOMEMLIMIT) {
        notes.push(`GOMEMLIMIT=${baseEnv.GOMEMLIMIT} (from the environment)`);
    } else if (memory.gomemlimit) {
        env.GOMEMLIMIT = memory.gomemlimit;
        notes.push(`GOMEMLIMIT=${memory.gomemlimit}: ${memory.reason}`);
    } else {
        notes.push(`no GOMEMLIMIT: ${memory.reason}`);
    }
    return { command, args: flags as string[], env, notes };
}
