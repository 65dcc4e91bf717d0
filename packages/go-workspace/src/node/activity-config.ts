import { IDE_ENV } from '@warren/workspace-api/lib/ide-contract';

export const ActivityConfig = Symbol('ActivityConfig');

/** Warren's idle stop, as the workspace manager configured it for this IDE through WARREN_* variables (IDE_ENV). */
export type ActivityConfig = ActivityEnabled | ActivityDisabled;

export interface ActivityEnabled {
    enabled: true;
    /** The workspace manager's activity endpoint as the IDE backend reaches it (WARREN_ACTIVITY_URL), without a trailing slash. */
    activityUrl: string;
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

/** Where heartbeats went before the workspace manager took them; named in the error when it is all there is. */
const OLD_URL_VAR = 'WARREN_GATEWAY_URL';

/**
 * Reads the WARREN_* variables. Activity URL and token come together or not at all; the IDE is
 * also used without Warren, and then the feature is simply off.
 */
export function readActivityConfig(env: NodeJS.ProcessEnv): ActivityConfig {
    const { activityUrl: URL_VAR, token: TOKEN_VAR, workspace: WORKSPACE_VAR, heartbeatSeconds: HEARTBEAT_VAR } = IDE_ENV;
    const url = env[URL_VAR]?.trim();
    const token = env[TOKEN_VAR]?.trim();
    if (!url && !token) {
        return { enabled: false, misconfigured: false, reason: `${URL_VAR} and ${TOKEN_VAR} are not set: this IDE runs without Warren.` };
    }
    const problems: string[] = [];
    if (!url) {
        problems.push(`${TOKEN_VAR} is set but ${URL_VAR} is not, so heartbeats cannot reach the workspace manager.`);
        if (env[OLD_URL_VAR]?.trim()) {
            problems.push(`(${OLD_URL_VAR} is set, but heartbeats no longer go to the gateway: set ${URL_VAR} to the workspace manager's activity URL.)`);
        }
    } else if (!/^https?:$/.test(parseUrl(url)?.protocol ?? '')) {
        problems.push(`${URL_VAR} "${url}" is not an http:// or https:// URL.`);
    }
    if (!token) {
        problems.push(`${URL_VAR} is set but ${TOKEN_VAR} is not.`);
    }
    const seconds = env[HEARTBEAT_VAR]?.trim() ? Number(env[HEARTBEAT_VAR]) : DEFAULT_HEARTBEAT_SECONDS;
    if (!Number.isFinite(seconds) || seconds <= 0) {
        problems.push(`${HEARTBEAT_VAR} "${env[HEARTBEAT_VAR]}" is not a positive number of seconds.`);
    }
    if (problems.length) {
        return { enabled: false, misconfigured: true, reason: problems.join(' ') };
    }
    return {
        enabled: true,
        activityUrl: url!.replace(/\/+$/, ''),
        token: token!,
        workspace: env[WORKSPACE_VAR]?.trim() || '(unnamed workspace)',
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
    delete env[IDE_ENV.token];
    return config;
}
