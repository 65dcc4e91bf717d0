import { generateSshKey } from './file-secrets';
import { GitCredentialInfo, GitCredentialStore, GitLogin, SshKeyPair, TenantCredentials, TenantSecrets } from './git-credentials';

/**
 * The tenants' git credentials over a TenantSecrets backend (0600 files, or Secrets). Changes of one
 * tenant run one at a time here, and a write that meets another replica's is read and applied again.
 */
export class CredentialStore implements GitCredentialStore {
    protected readonly queues = new Map<string, Promise<unknown>>();

    constructor(protected readonly secrets: TenantSecrets) { }

    async add(tenant: string, host: string, username: string, token: string): Promise<GitCredentialInfo> {
        const createdAt = new Date().toISOString();
        await this.update(tenant, file => { file.hosts[host] = { username, token, createdAt }; });
        return { host, username, createdAt };
    }

    async list(tenant: string): Promise<GitCredentialInfo[]> {
        const { file } = await this.secrets.read(tenant);
        return Object.entries(file.hosts ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([host, e]) => ({ host, username: e.username, createdAt: e.createdAt }));
    }

    async remove(tenant: string, host: string): Promise<boolean> {
        let had = false;
        await this.update(tenant, file => {
            had = host in file.hosts;
            delete file.hosts[host];
        });
        return had;
    }

    async lookup(tenant: string, host: string): Promise<GitLogin | undefined> {
        const entry = (await this.secrets.read(tenant)).file.hosts?.[host];
        return entry && { username: entry.username, password: entry.token };
    }

    async sshKey(tenant: string): Promise<SshKeyPair> {
        const existing = (await this.secrets.read(tenant)).file.ssh;
        if (existing) {
            return existing;
        }
        const made = await generateSshKey(`warren-${tenant}`);
        let kept: SshKeyPair = made;
        await this.update(tenant, file => { file.ssh ??= made; kept = file.ssh; });
        return kept;
    }

    protected update(tenant: string, change: (file: TenantCredentials) => void): Promise<void> {
        const run = (this.queues.get(tenant) ?? Promise.resolve()).catch(() => undefined).then(async () => {
            for (let attempt = 0; attempt < 5; attempt++) {
                const { file, version } = await this.secrets.read(tenant);
                file.hosts ??= {};
                change(file);
                if (await this.secrets.write(tenant, file, version) === 'ok') {
                    return;
                }
            }
            throw new Error(`the git credentials of tenant ${tenant} kept changing under this write: try again`);
        });
        this.queues.set(tenant, run);
        return run;
    }
}
