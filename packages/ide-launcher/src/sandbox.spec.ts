import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sandboxCommand, SandboxSpec } from './sandbox';

const TEST_USER = 'warren-sandbox-test';

/**
 * The sandbox for real: bwrap and setpriv from Debian, a real Unix user, a real file only root may
 * read. As root only, since only root can make the user and run bwrap this way.
 */
describe('the IDE sandbox', { skip: process.getuid?.() !== 0 ? 'needs root (bwrap as root, a Unix user of its own)' : false }, () => {
    let tmp: string;
    let spec: SandboxSpec;
    let uid: number;

    before(() => {
        if (spawnSync('id', ['-u', TEST_USER]).status !== 0) {
            execFileSync('useradd', ['--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', '-K', 'UID_MIN=790000', '-K', 'UID_MAX=799999',
                '-K', 'GID_MIN=790000', '-K', 'GID_MAX=799999', TEST_USER]);
        }
        uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-sandbox-'));
        const data = path.join(tmp, 'data');
        const own = path.join(data, 'tenants', 't', 'workspaces', 'w');
        for (const dir of ['files', 'home', 'tmp', 'sandbox-etc']) {
            fs.mkdirSync(path.join(own, dir), { recursive: true });
        }
        fs.writeFileSync(path.join(data, 'secret'), 'root only', { mode: 0o600 });
        fs.mkdirSync(path.join(data, 'tenants', 'other'), { recursive: true });
        fs.writeFileSync(path.join(data, 'tenants', 'other', 'file'), 'another tenant');
        fs.mkdirSync(path.join(tmp, 'tools'));
        fs.writeFileSync(path.join(tmp, 'tools', 'tool'), 'a tool\n');
        for (const dir of ['files', 'home', 'tmp']) {
            fs.chownSync(path.join(own, dir), uid, uid);
        }
        spec = {
            uid, gid: uid, userName: TEST_USER, home: path.join(own, 'home'), hostname: 'w',
            writable: [path.join(own, 'files'), path.join(own, 'home')], readOnly: [path.join(tmp, 'tools')], hidden: [data],
            tmp: path.join(own, 'tmp'), etcDir: path.join(own, 'sandbox-etc')
        };
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    function inSandbox(script: string, env: NodeJS.ProcessEnv = {}): string {
        const [command, ...args] = sandboxCommand(spec, ['/bin/sh', '-c', script], spec.writable[0]);
        const result = spawnSync(command, args, { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });
        assert.equal(result.error, undefined);
        return `${result.stdout}${result.stderr}`;
    }

    it('should run as the tenant\'s user with no capabilities, named in its own /etc/passwd', () => {
        const out = inSandbox('id -un; id -u; grep CapEff /proc/self/status; cat /etc/passwd | wc -l; hostname');
        assert.match(out, new RegExp(`^${TEST_USER}$`, 'm'));
        assert.match(out, new RegExp(`^${uid}$`, 'm'));
        assert.match(out, /CapEff:\s+0+$/m);
        assert.match(out, /^3$/m, 'root, the tenant and nobody: not the host\'s users');
        assert.match(out, /^w$/m, 'the workspace is the host name');
    });

    it('should show the workspace\'s folders writable, the tools read-only, and nothing else of the data folder', () => {
        const out = inSandbox([
            `echo mine > ${spec.writable[0]}/f && echo wrote-files`, `echo x > ${spec.home}/f && echo wrote-home`,
            `cat ${path.join(tmp, 'tools', 'tool')}`, `echo x > ${path.join(tmp, 'tools', 'tool')} || echo tools-read-only`,
            `cat ${path.join(tmp, 'data', 'secret')} || echo no-secret`, `ls ${path.join(tmp, 'data', 'tenants')}`,
            `cat ${path.join(tmp, 'data', 'tenants', 'other', 'file')} || echo no-other`, 'cat /etc/shadow || echo no-shadow',
            'echo t > /tmp/private && echo wrote-tmp'
        ].join('; '));
        for (const expected of ['wrote-files', 'wrote-home', 'a tool', 'tools-read-only', 'no-secret', 'no-other', 'no-shadow', 'wrote-tmp']) {
            assert.match(out, new RegExp(`^${expected}$`, 'm'), `${expected} in:\n${out}`);
        }
        assert.doesNotMatch(out, /root only|another tenant/);
        assert.match(out, /^t$/m, 'the tenants folder shows only this tenant');
        assert.equal(fs.readFileSync(path.join(spec.tmp, 'private'), 'utf8'), 't\n', '/tmp is the workspace\'s own tmp folder');
        assert.equal(fs.statSync(path.join(spec.writable[0], 'f')).uid, uid);
    });

    it('should show a read-only folder inside the hidden data folder (the tenant\'s shared Go build cache), read-only', () => {
        const shared = path.join(tmp, 'data', 'tenants', 't', 'go-build-cache');
        fs.mkdirSync(shared, { recursive: true });
        fs.writeFileSync(path.join(shared, 'entry'), 'shared entry\n', { mode: 0o644 });
        const [command, ...args] = sandboxCommand({ ...spec, readOnly: [...spec.readOnly, shared] },
            ['/bin/sh', '-c', `cat ${shared}/entry; echo x > ${shared}/entry || echo shared-read-only; cat ${path.join(tmp, 'data', 'secret')} || echo no-secret`], '/');
        const out = spawnSync(command, args, { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
        const text = `${out.stdout}${out.stderr}`;
        for (const expected of ['shared entry', 'shared-read-only', 'no-secret']) {
            assert.match(text, new RegExp(`^${expected}$`, 'm'), `${expected} in:\n${text}`);
        }
        assert.equal(fs.readFileSync(path.join(shared, 'entry'), 'utf8'), 'shared entry\n');
    });

    it('should show the home folder where homeAt says, named so in /etc/passwd', () => {
        const [command, ...args] = sandboxCommand({ ...spec, homeAt: `/home/${TEST_USER}` },
            ['/bin/sh', '-c', `echo at-home > /home/${TEST_USER}/from-inside && grep ${TEST_USER} /etc/passwd`], '/');
        const out = spawnSync(command, args, { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
        assert.match(`${out.stdout}${out.stderr}`, new RegExp(`:/home/${TEST_USER}:/bin/bash$`, 'm'));
        assert.equal(fs.readFileSync(path.join(spec.home, 'from-inside'), 'utf8'), 'at-home\n', 'the host folder is what shows there');
    });

    it('should show only its own processes, and keep bwrap\'s environment from the tenant', () => {
        const out = inSandbox('ps -e -o pid= -o comm= ; cat /proc/1/environ || echo no-environ', { OPERATOR_SECRET: 'x' });
        const processes = out.split('\n').filter(line => /^\s*\d+ /.test(line));
        assert.ok(processes.length <= 4, `only the sandbox's processes:\n${out}`);
        assert.match(out, /^\s*1 bwrap$/m);
        assert.match(out, /^no-environ$/m);
    });

    it('should make the folders above each bind 0755, so that the tenant can reach what it is given', () => {
        const args = sandboxCommand(spec, ['true'], '/');
        const dirs = args.flatMap((a, i) => (a === '--dir' ? [args[i + 1]] : []));
        assert.ok(dirs.includes(path.join(tmp, 'data', 'tenants', 't', 'workspaces', 'w')), dirs.join(' '));
        for (let i = 0; i < args.length; i++) {
            if (args[i] === '--dir') {
                assert.deepEqual(args.slice(i - 2, i), ['--perms', '0755']);
            }
        }
        assert.ok(args.indexOf('/tmp') < args.indexOf(spec.writable[0]), 'the private /tmp is bound before folders that may lie under the host\'s /tmp');
    });
});
