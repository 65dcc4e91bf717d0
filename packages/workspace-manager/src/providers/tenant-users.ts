import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import { promisify } from 'util';

/** A tenant's own Unix user, whose uid its IDEs run as. */
export interface TenantUser {
    name: string;
    uid: number;
    gid: number;
}

/** Tenants' uids come from a range of their own, far from people's (1000+) and the system's (below 1000). */
export const TENANT_UID_RANGE = { min: 700_000, max: 799_999 } as const;

const COMMENT_PREFIX = 'Warren tenant ';

/** `warren-<tenant>`, shortened with a hash where that passes useradd's 32 characters. */
export function tenantUserName(tenant: string): string {
    const name = `warren-${tenant}`;
    if (name.length <= 32) {
        return name;
    }
    const hash = crypto.createHash('sha256').update(tenant).digest('hex').slice(0, 8);
    return `warren-${tenant.slice(0, 15).replace(/-+$/, '')}-${hash}`;
}

/**
 * Makes and finds tenants' Unix users (as root only). A user is made once, with useradd, as a
 * locked account with no login shell and no home; the comment names its tenant, and a user of that
 * name that Warren did not make is never taken over.
 */
export class TenantUsers {
    protected readonly known = new Map<string, TenantUser>();
    /** One useradd at a time in this process; other processes' wait on /etc/passwd's lock, and are retried. */
    protected queue: Promise<unknown> = Promise.resolve();

    constructor(protected readonly passwdFile = '/etc/passwd') { }

    async ensure(tenant: string): Promise<TenantUser> {
        const cached = this.known.get(tenant);
        if (cached) {
            return cached;
        }
        const made = this.queue.then(() => this.findOrMake(tenant));
        this.queue = made.catch(() => undefined);
        const user = await made;
        this.known.set(tenant, user);
        return user;
    }

    protected async findOrMake(tenant: string): Promise<TenantUser> {
        const name = tenantUserName(tenant);
        for (let attempt = 0; ; attempt++) {
            const found = this.lookup(name);
            if (found) {
                if (found.comment !== `${COMMENT_PREFIX}${tenant}`) {
                    throw new Error(`the Unix user ${name} exists but is not Warren's user for tenant ${tenant} (its comment is "${found.comment}"): `
                        + 'rename or remove that user, or choose another tenant name');
                }
                return { name, uid: found.uid, gid: found.gid };
            }
            try {
                await promisify(execFile)('useradd', [
                    '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin',
                    '--comment', `${COMMENT_PREFIX}${tenant}`,
                    '-K', `UID_MIN=${TENANT_UID_RANGE.min}`, '-K', `UID_MAX=${TENANT_UID_RANGE.max}`,
                    '-K', `GID_MIN=${TENANT_UID_RANGE.min}`, '-K', `GID_MAX=${TENANT_UID_RANGE.max}`, name
                ]);
            } catch (err) {
                // Another process made it meanwhile (exit 9), or held the lock on /etc/passwd: look again.
                if (attempt >= 10) {
                    throw new Error(`could not make the Unix user ${name} for tenant ${tenant}: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
                }
                await new Promise(resolve => setTimeout(resolve, 200 * (attempt + 1)));
            }
        }
    }

    protected lookup(name: string): { uid: number; gid: number; comment: string } | undefined {
        for (const line of fs.readFileSync(this.passwdFile, 'utf8').split('\n')) {
            const [user, , uid, gid, comment] = line.split(':');
            if (user === name) {
                return { uid: Number(uid), gid: Number(gid), comment: comment ?? '' };
            }
        }
        return undefined;
    }
}
