import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, sandboxCommand, SandboxSpec } from '@warren/ide-launcher';
import { eventually } from '@warren/testing';
import { TenantUsers } from './tenant-users';

/**
 * A sandbox's network for real: bwrap, unshare and pasta, a real tenant user, servers on this
 * machine's loopback. What runs inside reaches only the ports it is allowed of this machine, and
 * its own port is reachable from here. As root only: only root sandboxes.
 */
describe('the sandbox\'s network', { skip: process.getuid?.() !== 0 ? 'needs root (bwrap as root, a Unix user of its own)' : false }, () => {
    let tmp: string;
    let spec: SandboxSpec;
    const servers: http.Server[] = [];

    before(async () => {
        const user = await new TenantUsers().ensure('sandbox-net-test');
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-sandbox-net-'));
        const own = path.join(tmp, 'data', 'tenants', 'sandbox-net-test', 'workspaces', 'w');
        for (const dir of ['files', 'home', 'tmp', 'sandbox-etc']) {
            fs.mkdirSync(path.join(own, dir), { recursive: true });
            fs.chownSync(path.join(own, dir), user.uid, user.gid);
        }
        spec = {
            uid: user.uid, gid: user.gid, userName: user.name, home: path.join(own, 'home'), hostname: 'w',
            writable: [path.join(own, 'files'), path.join(own, 'home')], readOnly: [], hidden: [path.join(tmp, 'data')],
            tmp: path.join(own, 'tmp'), etcDir: path.join(own, 'sandbox-etc')
        };
    });

    after(() => {
        servers.forEach(s => s.close());
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const listen = (): Promise<number> => new Promise(resolve => {
        const server = http.createServer((_req, res) => res.end('host')).listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
        servers.push(server);
    });

    it('should reach only the allowed ports of this machine, and be reached at its own', async () => {
        const [allowed, closed, inside] = [await listen(), await listen(), await freePort()];
        const script = `
            require('http').createServer((q, r) => r.end('sandbox')).listen(${inside}, '127.0.0.1');
            for (const [name, port] of [['allowed', ${allowed}], ['closed', ${closed}]]) {
                fetch('http://127.0.0.1:' + port + '/').then(r => console.log(name, r.status), e => console.log(name, e.cause?.code ?? e.message));
            }
            setTimeout(() => process.exit(0), 60000);`;
        const [command, ...args] = sandboxCommand({ ...spec, network: { listenPort: inside, hostPorts: [allowed] } }, ['/usr/bin/node', '-e', script], spec.writable[0]);
        const child = spawn(command, args, { env: { PATH: '/usr/bin:/bin' }, detached: true });
        let out = '';
        child.stdout.on('data', (c: Buffer) => { out += c; });
        child.stderr.on('data', (c: Buffer) => { out += c; });
        try {
            const answer = await eventually('the sandbox\'s server, from this machine', async () => {
                const res = await fetch(`http://127.0.0.1:${inside}/`).catch(() => undefined);
                return res?.status === 200 ? res.text() : undefined;
            });
            assert.equal(answer, 'sandbox');
            await eventually('both tries from inside', async () => (/^allowed /m.test(out) && /^closed /m.test(out)) || undefined);
            assert.match(out, /^allowed 200$/m, out);
            assert.match(out, /^closed ECONNREFUSED$/m, `this machine's other loopback ports are closed:\n${out}`);
        } finally {
            process.kill(-child.pid!, 'SIGKILL');
        }
        await eventually('the sandbox\'s process group gone', async () => {
            try {
                process.kill(-child.pid!, 0);
                return undefined;
            } catch {
                return true;
            }
        });
    });
});
