import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canConnect, freePort } from '@warren/ide-launcher';
import { eventually } from './eventually';

export const SSHD = '/usr/sbin/sshd';

/** Why an SSH case cannot run here, or false: for a test's skip. */
export function sshdUnavailable(): string | false {
    return fs.existsSync(SSHD) ? false : 'sshd is not installed (apt-get install openssh-server; scripts/test.sh does)';
}

/**
 * A real sshd as a git host over SSH, for tests: its own config, host key and authorized_keys in a
 * temporary folder (empty at first: authorize() adds a key), logging in as root with a key only, so
 * that `ssh://root@HOST:PORT/path/to/bare.git` serves any bare repository of this machine. It must run
 * as root, and never as the system's service.
 */
export class SshServer {
    protected constructor(readonly port: number, readonly dir: string, protected readonly child: ChildProcess) { }

    static async start(options: { host?: string } = {}): Promise<SshServer> {
        const host = options.host ?? '127.0.0.1';
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-sshd-'));
        const port = await freePort(host);
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
        fs.writeFileSync(path.join(dir, 'authorized_keys'), '');
        fs.writeFileSync(path.join(dir, 'sshd_config'), [
            `Port ${port}`, `ListenAddress ${host}`, `HostKey ${path.join(dir, 'host_key')}`, `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
            'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', 'PidFile none', ''
        ].join('\n'));
        fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // its privilege separation folder
        const child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: 'ignore' });
        const server = new SshServer(port, dir, child);
        await eventually('sshd listening', () => child.exitCode === null ? server.listening(host) : Promise.reject(new Error(`sshd exited (${child.exitCode})`)), 10_000, 50);
        return server;
    }

    /** Lets the holder of this public key (an `ssh-ed25519 ...` line) in. */
    authorize(publicKey: string): void {
        fs.appendFileSync(path.join(this.dir, 'authorized_keys'), `${publicKey.trim()}\n`);
    }

    async dispose(): Promise<void> {
        if (this.child.exitCode === null) {
            const gone = new Promise(resolve => this.child.once('exit', resolve));
            this.child.kill();
            await gone;
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    protected async listening(host: string): Promise<true | undefined> {
        return await canConnect(this.port, host === '0.0.0.0' ? '127.0.0.1' : host) || undefined;
    }
}
