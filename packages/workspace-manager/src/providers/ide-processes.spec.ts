import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '@warren/testing';
import { findIdeProcesses, isIdeOf } from './ide-processes';

/**
 * How IDEs are found again in /proc: by a command line that runs an IDE backend on a workspace
 * folder, and only among this user's processes. A tenant's own process that poses as another
 * tenant's IDE (same command line, its own port) must never be adopted: it would be sent that
 * tenant's traffic, with its IDE secret.
 */
describe('finding IDE processes', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-find-'));
    const folder = path.join(data, 'tenants', 't2', 'workspaces', 'w', 'files');
    const pids: number[] = [];
    const posing = (runAs: string[]): number => {
        // sh's arguments after -c's script are the command line /proc shows; the script does not exec, so sh stays.
        const [command, ...args] = [...runAs, 'sh', '-c', 'sleep 300; exit', 'app/lib/backend/main.js', folder, '--port=4567'];
        const child = spawn(command, args, { detached: true, stdio: 'ignore' });
        child.unref();
        pids.push(child.pid!);
        return child.pid!;
    };

    after(() => pids.forEach(pid => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }));

    it('should find an IDE that this user runs, with its workspace and port', async () => {
        const pid = posing([]);
        const found = await eventually('the IDE in /proc', async () => findIdeProcesses(data).get('t2/w'));
        assert.deepEqual(found, [{ pid, port: 4567, tenant: 't2', id: 'w' }]);
        assert.equal(isIdeOf(pid, folder), true);
        assert.equal(isIdeOf(pid, `${folder}x`), false);
    });

    it('should not take a process of another user for an IDE, whatever its command line', { skip: process.getuid?.() !== 0 ? 'needs root to run a process as another user' : false }, async () => {
        pids.splice(0).forEach(pid => process.kill(-pid, 'SIGKILL'));
        const pid = posing(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
        await eventually('the impostor running as nobody', async () => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sh\0') || undefined);
        assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+65534\s/m);
        assert.equal(findIdeProcesses(data).get('t2/w'), undefined);
        assert.equal(isIdeOf(pid, folder), false);
    });
});
