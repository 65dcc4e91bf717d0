import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkPasswordHash, hashPassword, verifyPassword } from './passwords';
import { checkTenant, readUsersFile, singleTenantProblem } from './users';

describe('passwords and the users file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-users-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('should hash with scrypt and verify only the right password', async () => {
        const hash = await hashPassword('correct horse');
        assert.match(hash, /^\$scrypt\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
        assert.notEqual(hash, await hashPassword('correct horse'), 'salted');
        assert.equal(await verifyPassword('correct horse', hash), true);
        assert.equal(await verifyPassword('correct horsf', hash), false);
        assert.equal(checkPasswordHash(hash), undefined);
        assert.match(checkPasswordHash('$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') ?? '', /weaker/);
    });

    it('should read a good file and report every problem of a bad one at once', async () => {
        const good = path.join(dir, 'good.json');
        const hash = await hashPassword('a long password');
        fs.writeFileSync(good, JSON.stringify({ users: [{ name: 'alice', tenant: 'team-a', passwordHash: hash }] }));
        assert.deepEqual(readUsersFile(good).map(u => [u.user, u.tenant]), [['alice', 'team-a']]);
        const bad = path.join(dir, 'bad.json');
        fs.writeFileSync(bad, JSON.stringify({ users: [{ name: 'Alice', tenant: 'team-a', passwordHash: hash }, { name: 'bob', tenant: 'a--b', passwordHash: 'secret' }, { name: 'bob', tenant: 'b', passwordHash: hash }] }));
        assert.throws(() => readUsersFile(bad), (err: Error) => {
            assert.match(err.message, /users\[0\] \(Alice\): name: "Alice" is not a user name/);
            assert.match(err.message, /users\[1\] \(bob\): tenant: "a--b" is not a tenant name/);
            assert.match(err.message, /users\[1\] \(bob\): passwordHash must be a scrypt hash/);
            assert.match(err.message, /users\[2\] \(bob\): the name is used twice/);
            return true;
        });
        fs.writeFileSync(bad, '{"users": ');
        assert.throws(() => readUsersFile(bad), /could not be read/);
        fs.writeFileSync(bad, '[]');
        assert.throws(() => readUsersFile(bad), /must be a JSON object with a "users" list/);
    });

    it('should keep "--" out of tenant names, since it splits workspace host names', () => {
        assert.equal(checkTenant('team-a'), 'team-a');
        assert.throws(() => checkTenant('team--a'), /not a tenant name/);
        assert.throws(() => checkTenant('../etc'), /not a tenant name/);
        assert.throws(() => checkTenant('t'.repeat(41)), /at most 40 characters/);
        assert.equal(checkTenant('t'.repeat(40)), 't'.repeat(40));
    });

    it('should allow users of one tenant only when asked to, and say why and what to do', () => {
        const team = [{ user: 'ann', tenant: 'default' }, { user: 'bob', tenant: 'default' }];
        assert.equal(singleTenantProblem('default', team), undefined);
        const problem = singleTenantProblem('default', [...team, { user: 'carol', tenant: 'team-c' }]) ?? '';
        assert.match(problem, /^Only tenant "default" may have users here, not carol \(tenant team-c\): Warren does not run as root, so every workspace's IDE runs as the Unix user \S+ and tenants would not be kept apart\./);
        assert.match(problem, /Run Warren as root .* or in the cluster mode, or keep every user in tenant "default"\.$/);
        const many = Array.from({ length: 5 }, (_, i) => ({ user: `u${i}`, tenant: 'other' }));
        assert.match(singleTenantProblem('default', many) ?? '', /not u0 \(tenant other\), u1 \(tenant other\), u2 \(tenant other\) and 2 more:/);
    });
});
