import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { DNS_LABEL } from '@warren/workspace-api';
import { SshKeyPair, TenantCredentials, TenantSecrets } from './git-credentials';

/**
 * Embedded mode's credentials: one JSON file per tenant in <data>/secrets/git, 0600 in a 0700 folder of
 * the control plane's, which the sandbox hides with the rest of the data folder. Written to a temporary
 * file, synced and renamed: a crash leaves the old file or the new one, never half of one.
 */
export class FileSecrets implements TenantSecrets {
    protected readonly dir: string;

    constructor(dataDir: string) {
        this.dir = path.join(dataDir, 'secrets', 'git');
    }

    async read(tenant: string): Promise<{ file: TenantCredentials }> {
        try {
            return { file: JSON.parse(await fs.promises.readFile(this.fileOf(tenant), 'utf8')) as TenantCredentials };
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
                return { file: { hosts: {} } };
            }
            throw new Error(`the git credentials of tenant ${tenant} cannot be read (${(err as Error).message}): fix or remove ${this.fileOf(tenant)}`);
        }
    }

    async write(tenant: string, file: TenantCredentials): Promise<'ok'> {
        await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
        await fs.promises.chmod(this.dir, 0o700);
        const target = this.fileOf(tenant);
        const tmp = `${target}.tmp-${process.pid}`;
        const handle = await fs.promises.open(tmp, 'w', 0o600);
        try {
            await handle.writeFile(JSON.stringify(file));
            await handle.sync();
        } finally {
            await handle.close();
        }
        await fs.promises.rename(tmp, target);
        return 'ok';
    }

    protected fileOf(tenant: string): string {
        if (!DNS_LABEL.test(tenant)) {
            throw new Error(`refusing a credentials file for tenant "${tenant}": not a DNS-1123 label`);
        }
        return path.join(this.dir, `${tenant}.json`);
    }
}

/** An ed25519 key pair from ssh-keygen, made in a private temporary folder that is removed at once. */
export async function generateSshKey(comment: string): Promise<SshKeyPair> {
    const dir = await fs.promises.mkdtemp(path.join(process.env.TMPDIR ?? '/tmp', 'warren-ssh-'));
    try {
        const key = path.join(dir, 'key');
        try {
            await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', key]);
        } catch (err) {
            const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
            throw new Error(missing ? 'ssh-keygen is not installed: install it with "apt-get install openssh-client".' : `ssh-keygen failed: ${(err as Error).message}`);
        }
        const publicKey = (await fs.promises.readFile(`${key}.pub`, 'utf8')).trim();
        return { publicKey, fingerprint: sshFingerprint(publicKey), privateKey: await fs.promises.readFile(key, 'utf8') };
    } finally {
        await fs.promises.rm(dir, { recursive: true, force: true });
    }
}

/** SHA256:<base64 without padding> of the key's blob, as ssh-keygen -l prints it. */
export function sshFingerprint(publicKey: string): string {
    const blob = Buffer.from(publicKey.split(/\s+/)[1] ?? '', 'base64');
    return `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
