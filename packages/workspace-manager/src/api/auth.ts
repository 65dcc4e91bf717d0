import { Metadata, status } from '@grpc/grpc-js';
import { TokenStore } from '../store/workspace-store';
import { ApiError } from './api-error';
import { checkTenant } from './validation';

/** Who is calling: a tenant, or an admin who may name any tenant. */
export interface Caller {
    tenant?: string;
    admin: boolean;
}

/** Reads "authorization: Bearer <token>"; an unknown or missing token is UNAUTHENTICATED. */
export async function authenticate(metadata: Metadata, tokens: TokenStore): Promise<Caller> {
    const header = metadata.get('authorization')[0];
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : undefined;
    if (!m) {
        throw new ApiError(status.UNAUTHENTICATED, 'No token: send "authorization: Bearer <token>" (warren token create makes one; the CLI reads WARREN_TOKEN).');
    }
    const token = await tokens.findToken(m[1]);
    if (!token) {
        throw new ApiError(status.UNAUTHENTICATED, 'The token is unknown or was revoked: ask an admin for a new one.');
    }
    return token.tenant === undefined ? { admin: true } : { tenant: token.tenant, admin: false };
}

/** The tenant a request acts on: the caller's own, or for an admin the one named (required where it matters). */
export function tenantOf(caller: Caller, requested: string | undefined, required: boolean): string | undefined {
    if (!caller.admin) {
        if (requested && requested !== caller.tenant) {
            throw new ApiError(status.PERMISSION_DENIED, 'Only an admin token may name another tenant: leave tenant empty.');
        }
        return caller.tenant;
    }
    if (!requested) {
        if (required) {
            throw ApiError.invalid('An admin token must name the tenant: set tenant.');
        }
        return undefined;
    }
    return checkTenant(requested);
}
