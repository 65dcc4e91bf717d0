import { DNS_LABEL } from '@warren/workspace-api';

/** What a request's Host header names. */
export type HostKind =
    | { kind: 'gateway' }
    | { kind: 'workspace'; label: string }
    | { kind: 'other' };

/** Separates the id from the tenant in a workspace's host label: `<id>--<tenant>`. */
const SEPARATOR = '--';

/**
 * Every workspace gets an origin of its own, `<id>--<tenant>.<base domain>`, so that no workspace's
 * page can script another's or the gateway's. The base domain is the public URL's host; with
 * `localhost` browsers resolve every `*.localhost` to loopback, so no DNS is needed on one machine.
 */
export class WorkspaceHosts {
    readonly origin: string;
    readonly baseDomain: string;
    protected readonly portSuffix: string;

    constructor(readonly publicUrl: URL) {
        this.origin = publicUrl.origin;
        this.baseDomain = publicUrl.hostname;
        this.portSuffix = publicUrl.port ? `:${publicUrl.port}` : '';
    }

    get secure(): boolean {
        return this.publicUrl.protocol === 'https:';
    }

    label(tenant: string, id: string): string {
        return `${id}${SEPARATOR}${tenant}`;
    }

    /** The workspace's own origin, e.g. http://hello--team-a.localhost:7080. */
    workspaceOrigin(tenant: string, id: string): string {
        return this.workspaceOriginOfLabel(this.label(tenant, id));
    }

    workspaceOriginOfLabel(label: string): string {
        return `${this.publicUrl.protocol}//${label}.${this.baseDomain}${this.portSuffix}`;
    }

    /** The longest id a tenant's workspace may have so that its label stays a DNS label (63 characters). */
    maxIdLength(tenant: string): number {
        return 63 - SEPARATOR.length - tenant.length;
    }

    classify(host: string | undefined): HostKind {
        if (!host) {
            return { kind: 'other' };
        }
        const name = host.toLowerCase();
        if (name === `${this.baseDomain}${this.portSuffix}`) {
            return { kind: 'gateway' };
        }
        const suffix = `.${this.baseDomain}${this.portSuffix}`;
        if (name.endsWith(suffix)) {
            const label = name.slice(0, -suffix.length);
            if (DNS_LABEL.test(label) && label.includes(SEPARATOR)) {
                return { kind: 'workspace', label };
            }
        }
        return { kind: 'other' };
    }

    /**
     * The id a label names within the caller's tenant, or undefined when the label is not that
     * tenant's: labels of other tenants are never resolved, so they answer like missing ones.
     */
    idOf(label: string, tenant: string): string | undefined {
        // Tenant names have no "--" (checkTenant), so the last separator splits a label one way only.
        const at = label.lastIndexOf(SEPARATOR);
        if (at <= 0 || label.slice(at + SEPARATOR.length) !== tenant) {
            return undefined;
        }
        const id = label.slice(0, at);
        return DNS_LABEL.test(id) ? id : undefined;
    }
}
