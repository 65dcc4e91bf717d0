import * as assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { describe, it } from 'node:test';
import { ApiError } from './api-error';
import { tenantOf } from './auth';
import { checkTenant } from './validation';

describe('tenant names over gRPC', () => {
    const invalid = (pattern: RegExp) => (err: unknown): boolean => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, status.INVALID_ARGUMENT);
        assert.match(err.message, pattern);
        return true;
    };

    it('should take the one rule of the gateway and the CLI: a DNS label without "--", at most 40', () => {
        assert.equal(checkTenant('team-a'), 'team-a');
        assert.throws(() => checkTenant('a--b'), invalid(/^tenant "a--b" is not a tenant name: use a DNS label/));
        assert.throws(() => checkTenant('t'.repeat(41)), invalid(/at most 40 characters/));
        assert.throws(() => checkTenant('../etc'), invalid(/not a tenant name/));
    });

    it('should check the tenant an admin names', () => {
        assert.equal(tenantOf({ admin: true }, 'team-a', true), 'team-a');
        assert.throws(() => tenantOf({ admin: true }, 'a--b', true), invalid(/"a--b" is not a tenant name/));
        assert.equal(tenantOf({ admin: false, tenant: 'team-a' }, '', true), 'team-a');
    });
});
