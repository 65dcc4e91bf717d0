/**
 * The contract between the workspace manager and a workspace's IDE (packages/go-workspace), defined
 * once for both sides. Plain values only: the IDE imports this file and nothing else of this package.
 *
 * - The manager calls the IDE at `<ide url>${IDE_ENDPOINTS_PATH}/…` with the workspace's token as bearer.
 * - The IDE posts heartbeats to `${WARREN_ACTIVITY_URL}${HEARTBEAT_PATH}` with the same token.
 * - Every request to an IDE, from the gateway's proxy or the manager, carries the workspace's IDE
 *   secret in IDE_SECRET_HEADER; the IDE answers 401 to anything without it, before Theia sees it.
 */

/** The prefix of the IDE's endpoints; the gateway never passes it through from a browser. */
export const IDE_ENDPOINTS_PATH = '/_warren/v1';
/** The header that carries a workspace's IDE secret (lower case, as Node gives header names). */
export const IDE_SECRET_HEADER = 'x-warren-ide-secret';
/** GET, without the secret: the IDE answers `{ proof }`, an HMAC of the nonce with its secret (readiness). */
export const IDE_IDENTITY_PATH = `${IDE_ENDPOINTS_PATH}/identity`;
export const IDE_NONCE_HEADER = 'x-warren-nonce';
export const IDLE_WARNING_PATH = `${IDE_ENDPOINTS_PATH}/idle-warning`;
export const PREPARE_STOP_PATH = `${IDE_ENDPOINTS_PATH}/prepare-stop`;
/** Relative to WARREN_ACTIVITY_URL. */
export const HEARTBEAT_PATH = '/_warren/v1/heartbeat';
/** Relative to WARREN_ACTIVITY_URL: POST a GitCredentialRequest with the workspace's token, get its tenant's login for the host. */
export const GIT_CREDENTIAL_PATH = '/_warren/v1/git-credential';
/** Relative to WARREN_ACTIVITY_URL: POST `{}` with the workspace's token, get its tenant's SSH private key (GitSshKeyResponse). */
export const GIT_SSH_KEY_PATH = '/_warren/v1/git-ssh-key';

/** The variables the manager gives an IDE. */
export const IDE_ENV = {
    /** Where heartbeats go: the manager's activity endpoint, as the IDE reaches it. */
    activityUrl: 'WARREN_ACTIVITY_URL',
    /** The workspace's secret; the IDE removes it from its environment at start. */
    token: 'WARREN_WORKSPACE_TOKEN',
    /** The IDE secret that every request to the IDE must carry; removed from the environment before Theia starts. */
    secret: 'WARREN_IDE_SECRET',
    /** `tenant/id`, for log lines. */
    workspace: 'WARREN_WORKSPACE',
    /** How often to send a heartbeat while something happens. */
    heartbeatSeconds: 'WARREN_HEARTBEAT_SECONDS',
    /**
     * The IDE's credential relay (a Unix socket of the tenant's user): git's credential helper asks it, and it
     * asks the manager with the token, which no terminal sees. Set by the IDE for what it starts.
     */
    credentialSocket: 'WARREN_CREDENTIAL_SOCKET'
} as const;

/** POST idle-warning: the frontends show that the workspace stops in this many seconds. */
export interface IdleWarningRequest {
    stopsInSeconds: number;
}

/** 200 from idle-warning. */
export interface IdleWarningResponse {
    clients: number;
}

/** 200 from prepare-stop: every frontend saved its dirty editors. */
export interface PrepareStopResponse {
    clients: number;
    saved: number;
}

/** 409 from prepare-stop: what could not be saved, one entry per editor; the stop must wait. */
export interface PrepareStopRefusal {
    error: string;
    unsaved: string[];
}

/** POST heartbeat: what is happening ("user input", "go test ./... (pid 42)"). */
export interface HeartbeatRequest {
    reasons: string[];
}

/** POST git-credential: what git asks its credential helper for. */
export interface GitCredentialRequest {
    protocol: string;
    host: string;
}

/** 200 from git-credential: the tenant's token for the host, as git's password. 404: the tenant has none. */
export interface GitCredentialResponse {
    username: string;
    password: string;
}

/** 200 from git-ssh-key: the tenant's private key, in OpenSSH's format, for an ssh-agent's memory only. */
export interface GitSshKeyResponse {
    privateKey: string;
}
