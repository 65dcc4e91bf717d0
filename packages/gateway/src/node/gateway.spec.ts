import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { StaticDirectory } from '@warren/testing';
import { SqliteAuthStore } from './auth/auth-store';
import { hashPassword } from './auth/passwords';
import { GatewayOptions, startGateway } from './gateway';

/** What startGateway refuses before it listens: port 1 is never reached. */
describe('startGateway refuses to start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gateway-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const options = (extra: Partial<GatewayOptions>): GatewayOptions => ({
        dataDir: dir, publicUrl: new URL('http://localhost:1'), port: 1, directory: new StaticDirectory(),
        owner: { user: 'ann', tenant: 'default' }, log: () => undefined, ...extra
    });

    it('should refuse users of another tenant than onlyTenant, from gateway.db or the users file, saying why', async () => {
        const store = new SqliteAuthStore(path.join(dir, 'gateway.db'));
        await store.putUser({ user: 'carol', tenant: 'team-c', passwordHash: await hashPassword('a long password'), createdAt: '' });
        store.close();
        await assert.rejects(startGateway(options({ onlyTenant: 'default' })), /Only tenant "default" may have users here, not carol \(tenant team-c\): Warren does not run as root/);
        const usersFile = path.join(dir, 'users.json');
        fs.writeFileSync(usersFile, JSON.stringify({ users: [{ name: 'dave', tenant: 'team-d', passwordHash: await hashPassword('a long password') }] }));
        await assert.rejects(startGateway(options({ onlyTenant: 'team-c', usersFile })), /not ann \(tenant default\), dave \(tenant team-d\)/);
    });

    it('should refuse a bad tenant for the owner and a bad trusted proxy', async () => {
        await assert.rejects(startGateway(options({ owner: { user: 'ann', tenant: 'a--b' } })), /"a--b" is not a tenant name/);
        await assert.rejects(startGateway(options({ trustProxy: ['10.0.0.1', 'everyone'] })), /Trusted proxies: "everyone" is not an address/);
    });
});
