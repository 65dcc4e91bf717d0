/** A DNS-1123 label: what ids and tenant names must be, since they become folder names, hosts and namespaces. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Tenant names are shorter and have no "--", so that a workspace host `<id>--<tenant>` splits one way. */
export const MAX_TENANT_LENGTH = 40;

/** Why `tenant` cannot be a tenant name, or undefined when it can. */
export function tenantProblem(tenant: unknown): string | undefined {
    if (typeof tenant !== 'string' || !DNS_LABEL.test(tenant) || tenant.includes('--') || tenant.length > MAX_TENANT_LENGTH) {
        return `"${printable(String(tenant))}" is not a tenant name: use a DNS label such as "team-a" (lowercase letters, digits and single "-", starting with a letter, at most ${MAX_TENANT_LENGTH} characters).`;
    }
    return undefined;
}

/** One workspace's key in maps, logs and queues: `tenant/id`. */
export type WorkspaceKey = `${string}/${string}`;

export function workspaceKey(ws: { tenant: string; id: string }): WorkspaceKey {
    return `${ws.tenant}/${ws.id}`;
}

export function parseWorkspaceKey(key: WorkspaceKey): { tenant: string; id: string } {
    const slash = key.indexOf('/');
    return { tenant: key.slice(0, slash), id: key.slice(slash + 1) };
}

/** Shows what was sent without letting it break a message (control characters, huge strings). */
export function printable(value: string): string {
    const shown = value.slice(0, 80).replace(/\p{Cc}/gu, '?');
    return value.length > 80 ? `${shown}...` : shown;
}
