/**
 * Runs inside a sandbox before a clone: `node wait-for-network.js <port> -- <command...>`. The sandbox's
 * pasta connects its forwarded ports a moment after the command starts (the IDE, slower to start, never
 * notices); a clone connects at once. So this waits until 127.0.0.1:<port> (the manager, forwarded)
 * accepts, for at most 10 s, then runs the command and exits with its status.
 */
import { spawn } from 'child_process';
import * as net from 'net';

async function main(): Promise<void> {
    const [portArg, separator, ...command] = process.argv.slice(2);
    if (separator !== '--' || !command.length) {
        throw new Error('usage: wait-for-network.js <port> -- <command...>');
    }
    const port = Number(portArg);
    for (let i = 0; i < 500 && !await connects(port); i++) {
        await new Promise(resolve => setTimeout(resolve, 20));
    }
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.once('error', err => { process.stderr.write(`fatal: ${err.message}\n`); process.exit(127); });
    child.once('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

function connects(port: number): Promise<boolean> {
    return new Promise(resolve => {
        const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
    });
}

main().catch(err => { process.stderr.write(`fatal: ${(err as Error).message}\n`); process.exit(2); });
