import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CredentialStore } from './credential-store';
import { FileSecrets, sshFingerprint } from './file-secrets';

/** Embedded mode's git credentials, in real files: 0600, one write at a time, and the SSH key made once with the real ssh-keygen. */
describe('the git credential store (files)', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-credentials-'));
    after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const store = new CredentialStore(new FileSecrets(dataDir));

    it('should keep tokens per tenant and host in a 0600 file, and list them without the token', async () => {
        await store.add('team-a', 'github.com', 'ada', 'tok-a');
        await store.add('team-b', 'github.com', 'bob', 'tok-b');
        assert.deepEqual(await store.lookup('team-a', 'github.com'), { username: 'ada', password: 'tok-a' });
        assert.deepEqual(await store.lookup('team-b', 'github.com'), { username: 'bob', password: 'tok-b' });
        assert.equal(await store.lookup('team-a', 'gitlab.com'), undefined);
        const list = await store.list('team-a');
        assert.deepEqual(list.map(c => [c.host, c.username]), [['github.com', 'ada']]);
        assert.ok(!JSON.stringify(list).includes('tok-a'));
        const file = path.join(dataDir, 'secrets', 'git', 'team-a.json');
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
        assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['team-a.json', 'team-b.json'], 'no temporary file left');
    });

    it('should lose none of many adds at once, and remove one', async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.add('team-c', `host${i}.example`, 'u', `t${i}`)));
        assert.equal((await store.list('team-c')).length, 20);
        assert.equal(await store.remove('team-c', 'host3.example'), true);
        assert.equal(await store.remove('team-c', 'host3.example'), false);
        assert.equal((await store.list('team-c')).length, 19);
    });

    it('should make the SSH key pair once, with ssh-keygen\'s fingerprint', async () => {
        const first = await store.sshKey('team-a');
        const again = await store.sshKey('team-a');
        assert.equal(again.privateKey, first.privateKey);
        assert.match(first.publicKey, /^ssh-ed25519 \S+ warren-team-a$/);
        assert.match(first.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
        assert.equal(first.fingerprint, sshFingerprint(first.publicKey));
        assert.notEqual((await store.sshKey('team-b')).publicKey, first.publicKey);
        assert.deepEqual(await store.lookup('team-a', 'github.com'), { username: 'ada', password: 'tok-a' }, 'the tokens stay');
    });

    it('should refuse a broken file with what to do, and a tenant that is no label', async () => {
        fs.writeFileSync(path.join(dataDir, 'secrets', 'git', 'team-d.json'), '{ not json');
        await assert.rejects(store.list('team-d'), /cannot be read .*fix or remove/);
        await assert.rejects(store.add('../etc', 'h', 'u', 't'), /not a DNS-1123 label/);
    });
});
