import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '@warren/ide-launcher';
import { eventually } from './eventually';
import { REPO } from './test-ide';

export interface WarrenServe {
    /** The one-time login link `warren serve` printed. */
    loginUrl: string;
    /** http://localhost:<port> */
    gateway: string;
    port: number;
    /** The workspace manager's gRPC API. */
    grpcAddress: string;
    dataDir: string;
    /** The `warren serve` process (benches read its CPU time and memory). */
    pid: number;
    /** Where a workspace's files are. */
    files(tenant: string, id: string): string;
    output(): string;
    /** SIGKILL of `warren serve` alone, as a crash would do it: the IDEs keep running. */
    kill(): Promise<void>;
    /**
     * SIGTERM of `warren serve` and a new one on the same data folder, ports and arguments, as an
     * operator's restart (an upgrade) does: the IDEs keep running and the new one adopts them.
     * loginUrl, pid and output() are the new process's after it.
     */
    restart(): Promise<void>;
    stop(): Promise<void>;
}

export interface WarrenServeOptions {
    /** Reuse this data folder (a restart); by default a new temporary one. It is not removed by stop(). */
    dataDir?: string;
    /** More environment for `warren serve`, as an operator's shell would have it. */
    env?: Record<string, string>;
    /** Run it as this (ordinary) user rather than as this process's user; its temporary folder and HOME are that user's. */
    user?: { uid: number; gid: number };
}

/**
 * `warren serve` as a person runs it (the README's start command ends in it), with a temporary data
 * folder and HOME, free ports, and the sample module as the template; resolves with the login link it prints.
 */
export async function startWarrenServe(extraArgs: string[] = [], options: WarrenServeOptions = {}): Promise<WarrenServe> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-serve-'));
    const dataDir = options.dataDir ?? path.join(tmp, 'data');
    const port = await freePort();
    const grpcPort = await freePort();
    const args = [path.join(REPO, 'packages', 'cli', 'lib', 'main.js'), 'serve', '--data-dir', dataDir, '--port', String(port),
        '--grpc-port', String(grpcPort), '--metrics-port', '0', '--template', path.join(REPO, 'examples', 'hello'), ...extraArgs];
    if (options.user) {
        fs.chownSync(tmp, options.user.uid, options.user.gid);
    }
    const launched = await launch(args, options, tmp);
    let child = launched.child;
    let out = launched.out;
    const exited = (): Promise<unknown> => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise(resolve => child.once('exit', resolve)));
    const serve: WarrenServe = {
        loginUrl: launched.loginUrl,
        gateway: `http://localhost:${port}`,
        port,
        grpcAddress: `127.0.0.1:${grpcPort}`,
        dataDir,
        pid: child.pid!,
        files: (tenant, id) => path.join(dataDir, 'tenants', tenant, 'workspaces', id, 'files'),
        output: () => out.text,
        kill: async () => {
            const gone = exited();
            child.kill('SIGKILL');
            await gone;
            fs.rmSync(tmp, { recursive: true, force: true });
        },
        restart: async () => {
            const gone = exited();
            child.kill('SIGTERM');
            await gone;
            const again = await launch(args, options, tmp);
            child = again.child;
            out = again.out;
            serve.loginUrl = again.loginUrl;
            serve.pid = child.pid!;
        },
        stop: async () => {
            // Workspaces first: the IDEs outlive the manager by design (the next start adopts them).
            const gone = exited();
            child.kill('SIGTERM');
            await gone;
            await endWorkspaceIdes(dataDir, tmp);
            fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
        }
    };
    return serve;
}

/** Spawns `warren serve` and resolves once it printed its login link; out.text grows with its output. */
async function launch(args: string[], options: WarrenServeOptions, tmp: string): Promise<{ child: ChildProcess; out: { text: string }; loginUrl: string }> {
    const asUser = options.user ? { uid: options.user.uid, gid: options.user.gid } : {};
    const env = { ...process.env, GOTELEMETRY: 'off', ...(options.user ? { HOME: tmp, USER: 'nobody' } : {}), ...options.env };
    const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env, ...asUser });
    const out = { text: '' };
    const loginUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`warren serve printed no login link in 60 s:\n${out.text}`)), 60_000);
        child.stdout!.on('data', (c: Buffer) => { out.text += c; });
        child.stderr!.on('data', (c: Buffer) => {
            out.text += c;
            const link = /(http:\/\/localhost:\d+\/login\?token=\S+)/.exec(out.text);
            if (link) {
                clearTimeout(timer);
                resolve(link[1]);
            }
        });
        child.once('exit', code => { clearTimeout(timer); reject(new Error(`warren serve exited (${code}):\n${out.text}`)); });
    });
    return { child, out, loginUrl };
}

/**
 * Ends the IDEs of a data folder's workspaces, as a test's teardown must (they outlive the control
 * plane by design): each runtime.json's process group (a sandbox's whole PID namespace goes with
 * it), then whatever still works inside the folders (terminals run in sessions of their own).
 * Resolves once they have exited.
 */
export async function endWorkspaceIdes(dataDir: string, ...moreDirs: string[]): Promise<void> {
    const killed: number[] = [];
    for (const runtime of findRuntimeFiles(dataDir)) {
        const { pid } = JSON.parse(fs.readFileSync(runtime, 'utf8')) as { pid: number };
        try {
            process.kill(-pid, 'SIGKILL');
            killed.push(pid);
        } catch {
            // already gone
        }
    }
    killed.push(...[dataDir, ...moreDirs].flatMap(dir => killProcessesUnder(dir)));
    // Waited for, not slept on: the folders go only once nothing runs in them.
    await eventually('the processes of the workspaces to exit', () => killed.every(ended) || undefined, 30_000, 50);
}

function findRuntimeFiles(dataDir: string): string[] {
    const tenants = path.join(dataDir, 'tenants');
    if (!fs.existsSync(tenants)) {
        return [];
    }
    return fs.readdirSync(tenants).flatMap(t => {
        const dir = path.join(tenants, t, 'workspaces');
        return fs.existsSync(dir) ? fs.readdirSync(dir).map(id => path.join(dir, id, 'runtime.json')).filter(f => fs.existsSync(f)) : [];
    });
}

/** SIGKILLs every process whose working folder is inside dir (shells and the commands they run); returns their pids. */
function killProcessesUnder(dir: string): number[] {
    const killed: number[] = [];
    for (const pid of fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number)) {
        try {
            if (fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) {
                process.kill(pid, 'SIGKILL');
                killed.push(pid);
            }
        } catch {
            // gone, or not ours
        }
    }
    return killed;
}

/** The process has exited: gone from /proc, or a zombie waiting for whoever reaps it. */
function ended(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
        return true;
    }
}
