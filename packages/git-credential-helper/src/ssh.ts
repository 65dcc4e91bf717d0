#!/usr/bin/env node
/**
 * git's ssh in a workspace (core.sshCommand): `ssh.js [ssh options] host command`. It asks Warren for the
 * tenant's private key, gives it to an ssh-agent of its own on stdin (never a file), runs ssh with that
 * agent alone, and ends the agent with it: the key is in memory for this one connection. Host keys are
 * accepted the first time and checked after (~/.ssh/known_hosts). Outside a Warren workspace, or when
 * the key cannot be had, it runs plain ssh, so that keys of the user's own still work.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GIT_SSH_KEY_PATH, GitSshKeyResponse } from '@warren/workspace-api/lib/ide-contract';
import { askWarren, errorOf } from './ask';

async function main(): Promise<number> {
    const args = process.argv.slice(2);
    const answer = await askWarren(GIT_SSH_KEY_PATH, {}).catch((err: Error) => ({ status: 0, text: JSON.stringify({ error: err.message }) }));
    if (!answer || answer.status !== 200) {
        if (answer) {
            process.stderr.write(`warren: no SSH key from Warren (${errorOf(answer)}); trying ssh without it\n`);
        }
        return run('ssh', args, process.env);
    }
    const { privateKey } = JSON.parse(answer.text) as GitSshKeyResponse;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-ssh-'));
    const socket = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
        for (let i = 0; i < 250 && !fs.existsSync(socket); i++) {
            await new Promise(resolve => setTimeout(resolve, 20));
        }
        const env = { ...process.env, SSH_AUTH_SOCK: socket };
        const added = spawnSync('ssh-add', ['-q', '-'], { input: privateKey, env, stdio: ['pipe', 'ignore', 'pipe'], encoding: 'utf8' });
        if (added.status !== 0) {
            process.stderr.write(`warren: ssh-add could not take the tenant's key: ${added.stderr || added.error?.message}\n`);
        }
        return await run('ssh', ['-o', `IdentityAgent=${socket}`, '-o', 'StrictHostKeyChecking=accept-new', ...args], env);
    } finally {
        agent.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    return new Promise(resolve => {
        const child = spawn(command, args, { stdio: 'inherit', env });
        child.once('error', err => { process.stderr.write(`warren: ${command} could not run: ${err.message}\n`); resolve(255); });
        child.once('exit', (code, signal) => resolve(code ?? (signal ? 255 : 1)));
    });
}

main().then(code => process.exit(code), err => {
    process.stderr.write(`warren: ${(err as Error).message}\n`);
    process.exit(255);
});
