import * as fs from 'fs';
import * as os from 'os';
import { tenantProblem } from '@warren/workspace-api';
import { Identity, UserRecord, UserStore } from './auth-store';
import { checkPasswordHash } from './passwords';

/** User names: what people type, kept to what is safe in logs and URLs. */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function checkUserName(name: unknown): string {
    if (typeof name !== 'string' || !USER_NAME.test(name)) {
        throw new Error(`"${String(name)}" is not a user name: use lowercase letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit).`);
    }
    return name;
}

/** A tenant name: a DNS label without "--", which separates the id from the tenant in workspace host names. */
export function checkTenant(tenant: unknown): string {
    const problem = tenantProblem(tenant);
    if (problem) {
        throw new Error(problem);
    }
    return tenant as string;
}

/**
 * When Warren does not run as root, every IDE runs as its one Unix user, so tenants would not be kept
 * apart: then only one tenant may have users. Why these users break that, or undefined when they do not.
 */
export function singleTenantProblem(onlyTenant: string, users: readonly Identity[]): string | undefined {
    const others = users.filter(u => u.tenant !== onlyTenant);
    if (!others.length) {
        return undefined;
    }
    const named = others.slice(0, 3).map(u => `${u.user} (tenant ${u.tenant})`).join(', ') + (others.length > 3 ? ` and ${others.length - 3} more` : '');
    return `Only tenant "${onlyTenant}" may have users here, not ${named}: Warren does not run as root, so every workspace's IDE runs as ` +
        `the Unix user ${os.userInfo().username} and tenants would not be kept apart. Run Warren as root (each tenant's IDEs then run as ` +
        `a Unix user of their own) or in the cluster mode, or keep every user in tenant "${onlyTenant}".`;
}

/**
 * Reads a users file: `{"users": [{"name": "alice", "tenant": "team-a", "passwordHash": "$scrypt$..."}]}`.
 * Every problem is reported at once, with the entry and field, and nothing is used unless all is well.
 */
export function readUsersFile(file: string): UserRecord[] {
    let data: unknown;
    try {
        data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
        throw new Error(`The users file ${file} could not be read: ${(err as Error).message}`);
    }
    const list = (data as { users?: unknown })?.users;
    if (!Array.isArray(list)) {
        throw new Error(`The users file ${file} must be a JSON object with a "users" list, e.g. {"users": [{"name": "alice", "tenant": "team-a", "passwordHash": "..."}]}.`);
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    const users = list.map((u: Record<string, unknown>, i): UserRecord => {
        const where = `users[${i}]${typeof u?.name === 'string' ? ` (${u.name})` : ''}`;
        for (const [field, check] of [['name', checkUserName], ['tenant', checkTenant]] as const) {
            try {
                check(u?.[field]);
            } catch (err) {
                problems.push(`${where}: ${field}: ${(err as Error).message}`);
            }
        }
        const hashProblem = checkPasswordHash(u?.passwordHash);
        if (hashProblem) {
            problems.push(`${where}: passwordHash ${hashProblem}`);
        }
        if (seen.has(String(u?.name))) {
            problems.push(`${where}: the name is used twice.`);
        }
        seen.add(String(u?.name));
        return { user: String(u?.name), tenant: String(u?.tenant), passwordHash: String(u?.passwordHash), createdAt: '' };
    });
    if (problems.length) {
        throw new Error(`The users file ${file} has problems:\n  ${problems.join('\n  ')}`);
    }
    return users;
}

/** Users from the file an admin manages (which win) and from the CLI's "warren user add". */
export class Users {
    protected readonly fromFile: Map<string, UserRecord>;

    constructor(protected readonly store: UserStore, fileUsers: UserRecord[] = []) {
        this.fromFile = new Map(fileUsers.map(u => [u.user, u]));
    }

    /** Whether anyone can sign in with a password; asked on every sign-in page, so it lists nobody. */
    async any(): Promise<boolean> {
        return this.fromFile.size > 0 || this.store.hasUsers();
    }

    async find(name: string): Promise<UserRecord | undefined> {
        return this.fromFile.get(name) ?? this.store.getUser(name);
    }
}
