import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceHosts } from './hosts';

describe('WorkspaceHosts', () => {
    const local = new WorkspaceHosts(new URL('http://localhost:7080'));
    const shared = new WorkspaceHosts(new URL('https://warren.example.com'));

    it('should name each workspace origin under the base domain, with the port', () => {
        assert.equal(local.workspaceOrigin('team-a', 'hello'), 'http://hello--team-a.localhost:7080');
        assert.equal(shared.workspaceOrigin('team-a', 'hello'), 'https://hello--team-a.warren.example.com');
        assert.equal(shared.secure, true);
        assert.equal(local.maxIdLength('team-a'), 55);
    });

    it('should tell the gateway, workspace origins and everything else apart', () => {
        assert.deepEqual(local.classify('localhost:7080'), { kind: 'gateway' });
        assert.deepEqual(local.classify('LOCALHOST:7080'), { kind: 'gateway' });
        assert.deepEqual(local.classify('hello--team-a.localhost:7080'), { kind: 'workspace', label: 'hello--team-a' });
        assert.deepEqual(local.classify('HELLO--Team-A.LocalHost:7080'), { kind: 'workspace', label: 'hello--team-a' }, 'hosts are compared lower-case');
        for (const host of [undefined, '', 'localhost', 'localhost:7081', '127.0.0.1:7080', 'hello.localhost:7080', 'a.b--c.localhost:7080',
            'hello--team-a.localhost.evil.com:7080', 'evil.com', '-x--y.localhost:7080', 'hello--team-a.localhost:70800']) {
            assert.equal(local.classify(host).kind, 'other', String(host));
        }
        assert.deepEqual(shared.classify('warren.example.com'), { kind: 'gateway' });
        assert.deepEqual(shared.classify('api--team-b.warren.example.com'), { kind: 'workspace', label: 'api--team-b' });
    });

    it('should resolve a label only within the tenant it names', () => {
        assert.equal(local.idOf('hello--team-a', 'team-a'), 'hello');
        assert.equal(local.idOf('hello--team-a', 'team-b'), undefined);
        assert.equal(local.idOf('hello--team-a', 'a'), undefined, 'a suffix of the tenant is not the tenant');
        assert.equal(local.idOf('my--api--team-a', 'team-a'), 'my--api');
        assert.equal(local.idOf('x--my--api', 'my--api'), undefined, 'tenants have no "--": the last one splits');
        assert.equal(local.idOf('--team-a', 'team-a'), undefined);
    });
});
