import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { TENANT_UID_RANGE, TenantUsers, tenantUserName } from './tenant-users';

describe('tenant users', () => {
    it('should name a tenant\'s user warren-<tenant>, within useradd\'s 32 characters and distinct for long names', () => {
        assert.equal(tenantUserName('t1'), 'warren-t1');
        const long = 'a-very-long-tenant-name-of-forty-chars-x';
        const other = 'a-very-long-tenant-name-of-forty-chars-y';
        assert.ok(tenantUserName(long).length <= 32);
        assert.notEqual(tenantUserName(long), tenantUserName(other));
        assert.match(tenantUserName(long), /^warren-a-very-long-ten-[0-9a-f]{8}$/);
    });

    it('should make a real Unix user once, in its own uid range, and find it again', { skip: process.getuid?.() !== 0 ? 'needs root to add users' : false }, async () => {
        const users = new TenantUsers();
        const [a, b] = await Promise.all([users.ensure('spec-tenant'), users.ensure('spec-tenant')]);
        assert.deepEqual(a, b);
        assert.ok(a.uid >= TENANT_UID_RANGE.min && a.uid <= TENANT_UID_RANGE.max, String(a.uid));
        assert.equal(execFileSync('id', ['-u', 'warren-spec-tenant'], { encoding: 'utf8' }).trim(), String(a.uid));
        assert.deepEqual(await new TenantUsers().ensure('spec-tenant'), a, 'another manager finds the same user');
    });

    it('should refuse to take over a user of that name that Warren did not make', { skip: process.getuid?.() !== 0 ? 'needs root to add users' : false }, async () => {
        try {
            execFileSync('useradd', ['--no-create-home', '--comment', 'someone else', 'warren-not-ours'], { stdio: 'ignore' });
        } catch {
            // there from an earlier run
        }
        await assert.rejects(new TenantUsers().ensure('not-ours'), /the Unix user warren-not-ours exists but is not Warren's user for tenant not-ours/);
    });
});
