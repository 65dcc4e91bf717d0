import { findGo, GoInfo } from './find-go';
import { describeTool, ensureTool, ToolInfo } from './go-tools';
import { TOOL_NAMES } from './pins';

/** Everything Warren uses to build, analyse and debug Go. */
export interface Toolchain {
    go: GoInfo;
    tools: ToolInfo[];
}

/** Finds go and installs any missing pinned tool; throws a ToolchainError that says how to fix what is wrong. */
export async function bootstrapToolchain(env: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): Promise<Toolchain> {
    const go = await findGo(env);
    const tools: ToolInfo[] = [];
    for (const name of TOOL_NAMES) {
        tools.push(await ensureTool(name, go, env, log));
    }
    return { go, tools };
}

/** Reports what is there without installing anything; a tool that is missing has no version. */
export async function describeToolchain(env: NodeJS.ProcessEnv = process.env): Promise<Toolchain> {
    const go = await findGo(env);
    return { go, tools: await Promise.all(TOOL_NAMES.map(name => describeTool(name, env))) };
}
