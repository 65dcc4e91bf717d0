export const ActivityConfig = Symbol('ActivityConfig');

/** Warren's idle stop, as the control plane configured it for this IDE through WARREN_* variables. */
export type ActivityConfig = ActivityEnabled | ActivityDisabled;

export interface ActivityEnabled {
    enabled: true;
    /** The gateway's base URL as the IDE backend reaches it (WARREN_GATEWAY_URL), without a trailing slash. */
    gatewayUrl: string;
    /** This workspace's secret (WARREN_WORKSPACE_TOKEN): heartbeats carry it and the idle endpoints require it. */
    token: string;
    /** `tenant/id` (WARREN_WORKSPACE), for log lines only. */
    workspace: string;
    /** How often to send a heartbeat while there is activity (WARREN_HEARTBEAT_SECONDS, default 60). */
    heartbeatSeconds: number;
}

export interface ActivityDisabled {
    enabled: false;
    /** False when the IDE runs without Warren (no variables set): nothing is wrong then. */
    misconfigured: boolean;
    /** Why activity is not tracked, one sentence per problem. */
    reason: string;
}

export const DEFAULT_HEARTBEAT_SECONDS = 60;

/**
 * Reads the WARREN_* variables. Gateway URL and token come together or not at all; the IDE is
 * also used without Warren, and then the feature is simply off.
 */
export function readActivityConfig(env: NodeJS.ProcessEnv): ActivityConfig {
    const url = env.WARREN_GATEWAY_URL?.trim();
    const token = env.WARREN_WORKSPACE_TOKEN?.trim();
    if (!url && !token) {
        return { enabled: false, misconfigured: false, reason: 'WARREN_GATEWAY_URL and WARREN_WORKSPACE_TOKEN are not set: this IDE runs without Warren.' };
    }
    const problems: string[] = [];
    if (!url) {
        problems.push('WARREN_WORKSPACE_TOKEN is set but WARREN_GATEWAY_URL is not.');
    } else if (!/^https?:$/.test(parseUrl(url)?.protocol ?? '')) {
        problems.push(`WARREN_GATEWAY_URL "${url}" is not an http:// or https:// URL.`);
    }
    if (!token) {
        problems.push('WARREN_GATEWAY_URL is set but WARREN_WORKSPACE_TOKEN is not.');
    }
    const seconds = env.WARREN_HEARTBEAT_SECONDS?.trim() ? Number(env.WARREN_HEARTBEAT_SECONDS) : DEFAULT_HEARTBEAT_SECONDS;
    if (!Number.isFinite(seconds) || seconds <= 0) {
        problems.push(`WARREN_HEARTBEAT_SECONDS "${env.WARREN_HEARTBEAT_SECONDS}" is not a positive number of seconds.`);
    }
    if (problems.length) {
        return { enabled: false, misconfigured: true, reason: problems.join(' ') };
    }
    return {
        enabled: true,
        gatewayUrl: url!.replace(/\/+$/, ''),
        token: token!,
        workspace: env.WARREN_WORKSPACE?.trim() || '(unnamed workspace)',
        heartbeatSeconds: seconds
    };
}

function parseUrl(text: string): URL | undefined {
    try {
        return new URL(text);
    } catch {
        return undefined;
    }
}

/**
 * Reads the configuration and removes the token from env, so that terminals, tasks, the plugin host and
 * everything they start (which inherit the backend's environment when they are spawned, later) never see it.
 */
export function takeActivityConfig(env: NodeJS.ProcessEnv): ActivityConfig {
    const config = readActivityConfig(env);
    delete env.WARREN_WORKSPACE_TOKEN;
    return config;
}
