import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cacheProgPath, ensureCacheProg, findGo } from '@warren/go-toolchain';
import { publishEntries, publishInWorker } from './go-build-cache';

const MODULE = { 'go.mod': 'module example.com/cachecheck\n\ngo 1.24\n', 'lib.go': 'package cachecheck\n\nimport "strings"\n\nfunc Up(s string) string { return strings.ToUpper(s) }\n',
    'lib_test.go': 'package cachecheck\n\nimport "testing"\n\nfunc TestUp(t *testing.T) {\n\tif Up("a") != "A" {\n\t\tt.Fatal("no")\n\t}\n}\n' };

/**
 * The tenant's shared build cache with the real go command and warren-gocacheprog: a second
 * workspace's build finds what the first one built once the control plane published it, and the
 * publisher refuses what a workspace could plant (a wrong hash, a link to a file of the host).
 */
describe('the shared Go build cache', () => {
    let tmp: string;
    let prog: string;
    const go = (cwd: string, own: string, shared: string, ...args: string[]): string =>
        execFileSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOWORK: 'off', GOCACHE: path.join(tmp, 'gocache-unused'), GOCACHEPROG: `${prog} -dir ${own} -shared ${shared}` } });
    const workspace = (name: string): string => {
        const dir = path.join(tmp, name);
        fs.mkdirSync(dir);
        Object.entries(MODULE).forEach(([file, text]) => fs.writeFileSync(path.join(dir, file), text));
        return dir;
    };

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gocache-'));
        prog = await ensureCacheProg(await findGo());
        assert.equal(prog, cacheProgPath());
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('should give a second workspace the first one\'s build once it is published', async () => {
        const shared = path.join(tmp, 'shared');
        const a = workspace('a');
        const ownA = path.join(tmp, 'own-a');
        go(a, ownA, shared, 'test', './...');
        assert.equal(fs.existsSync(path.join(shared, 'a')), false, 'nothing is shared before the control plane publishes');
        const first = await publishInWorker(ownA, shared);
        assert.ok(first.published > 100, `published ${first.published} entries (the standard library's among them)`);
        assert.deepEqual(first.refused, []);
        const again = publishEntries(ownA, shared);
        assert.deepEqual({ published: again.published, known: again.known }, { published: 0, known: first.published }, 'a second publish copies nothing');

        const b = workspace('b');
        const ownB = path.join(tmp, 'own-b');
        const out = go(b, ownB, shared, 'test', './...');
        assert.match(out + '', /ok\s+example\.com\/cachecheck/);
        // The workspace's own cache got only what it built itself: the shared cache had the rest.
        const ownEntries = fs.readdirSync(path.join(ownB, 'a')).length;
        assert.ok(ownEntries < first.published / 4, `workspace b wrote ${ownEntries} entries of its own, against ${first.published} shared`);
    });

    it('should refuse an output whose hash is wrong and a link to a file of the host, and never replace an entry', () => {
        const own = path.join(tmp, 'own-evil');
        const shared = path.join(tmp, 'shared-evil');
        fs.mkdirSync(path.join(own, 'a'), { recursive: true });
        fs.mkdirSync(path.join(own, 'o'), { recursive: true });
        const action = (n: number): string => n.toString(16).padStart(64, '0');
        const body = Buffer.from('planted');
        const lying = 'f'.repeat(64);
        fs.writeFileSync(path.join(own, 'o', lying), body);
        fs.writeFileSync(path.join(own, 'a', action(1)), `${lying} ${body.length} 1\n`);
        const secret = path.join(tmp, 'host-secret');
        fs.writeFileSync(path.join(secret), 'root only', { mode: 0o600 });
        const linked = require('node:crypto').createHash('sha256').update('root only').digest('hex');
        fs.symlinkSync(secret, path.join(own, 'o', linked));
        fs.writeFileSync(path.join(own, 'a', action(2)), `${linked} 9 1\n`);
        fs.symlinkSync(secret, path.join(own, 'a', action(3)));
        const result = publishEntries(own, shared);
        assert.equal(result.published, 0);
        assert.deepEqual(result.refused.map(r => r.replace(/^[0-9a-f]+: /, '')).sort(), [
            'a link, not a file', 'a link, not a file', 'its output does not have the size and SHA-256 its entry says'
        ]);
        assert.deepEqual(fs.readdirSync(path.join(shared, 'o')), []);
    });

    it('should copy only files owned by the workspace\'s user (not another tenant\'s cache behind a link above them)', { skip: process.getuid?.() !== 0 ? 'needs root (files of another uid)' : false }, () => {
        const own = path.join(tmp, 'own-other-tenant');
        const shared = path.join(tmp, 'shared-other-tenant');
        fs.mkdirSync(path.join(own, 'a'), { recursive: true });
        fs.mkdirSync(path.join(own, 'o'), { recursive: true });
        const body = Buffer.from('another tenant\'s compiled package');
        const output = require('node:crypto').createHash('sha256').update(body).digest('hex');
        fs.writeFileSync(path.join(own, 'o', output), body);
        fs.writeFileSync(path.join(own, 'a', 'a'.repeat(64)), `${output} ${body.length} 1\n`);
        fs.chownSync(path.join(own, 'o', output), 12345, 12345);
        fs.chownSync(path.join(own, 'a', 'a'.repeat(64)), 12345, 12345);
        assert.deepEqual(publishEntries(own, shared, 23456).refused, [`${'a'.repeat(64)}: owned by uid 12345, not by the workspace's user`]);
        assert.equal(publishEntries(own, shared, 12345).published, 1, 'its own user\'s files are published');
    });
});
