/** A token for one git host, as listed: never the token itself. */
export interface GitCredentialInfo {
    host: string;
    username: string;
    createdAt: string;
}

/** What git is given for a host: a user name and the token as its password. */
export interface GitLogin {
    username: string;
    password: string;
}

/** The tenant's SSH key pair, made on first use; the private key leaves the control plane only for a git command of the tenant's. */
export interface SshKeyPair {
    /** One authorized_keys line. */
    publicKey: string;
    /** SHA256:..., as ssh-keygen -l prints it. */
    fingerprint: string;
    /** OpenSSH's private key format. */
    privateKey: string;
}

/** The user name sent with a token when none is given: what GitHub, Gitea and GitLab accept with a personal access token. */
export const DEFAULT_TOKEN_USERNAME = 'x-access-token';

/**
 * Each tenant's git credentials, kept as secrets: 0600 files in the data folder (embedded), or a Secret in
 * the tenant's namespace (cluster). Workspaces never get them as files or variables; their git asks the
 * control plane through Warren's credential helper when it needs one (doc/git.md).
 */
export interface GitCredentialStore {
    add(tenant: string, host: string, username: string, token: string): Promise<GitCredentialInfo>;
    list(tenant: string): Promise<GitCredentialInfo[]>;
    /** Whether there was one to remove. */
    remove(tenant: string, host: string): Promise<boolean>;
    lookup(tenant: string, host: string): Promise<GitLogin | undefined>;
    sshKey(tenant: string): Promise<SshKeyPair>;
}

/** What is kept per tenant, as one secret document. */
export interface TenantCredentials {
    hosts: Record<string, { username: string; token: string; createdAt: string }>;
    ssh?: SshKeyPair;
}

/** Where a tenant's document is kept: read with a version, written only over that version (else 'conflict', and read again). */
export interface TenantSecrets {
    read(tenant: string): Promise<{ file: TenantCredentials; version?: string }>;
    write(tenant: string, file: TenantCredentials, version?: string): Promise<'ok' | 'conflict'>;
}
