/** The Go environment variables that settings may set, for gopls, terminals and tasks alike. */
export const TOOLS_ENV_KEYS = ['GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOFLAGS', 'GOCACHE', 'GOMODCACHE'] as const;

export interface ToolsEnv {
    /** The variables to set, from `go.toolsEnvVars`. */
    env: Record<string, string>;
    /** What was ignored and why, to show the user. */
    problems: string[];
}

/** Validates `go.toolsEnvVars`: only the keys above, string values without newlines. */
export function toolsEnv(setting: unknown): ToolsEnv {
    const env: Record<string, string> = {};
    const problems: string[] = [];
    if (setting === undefined || setting === null) {
        return { env, problems };
    }
    if (typeof setting !== 'object' || Array.isArray(setting)) {
        return { env, problems: ['go.toolsEnvVars must be an object such as { "GOPROXY": "https://proxy.example.com" }; it was ignored.'] };
    }
    for (const [key, value] of Object.entries(setting)) {
        if (!(TOOLS_ENV_KEYS as readonly string[]).includes(key)) {
            problems.push(`go.toolsEnvVars: "${key}" is not one of ${TOOLS_ENV_KEYS.join(', ')}; it was ignored.`);
        } else if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
            problems.push(`go.toolsEnvVars: ${key} must be a single-line string; it was ignored.`);
        } else {
            env[key] = value;
        }
    }
    return { env, problems };
}
