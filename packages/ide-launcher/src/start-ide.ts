import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { warrenCacheDir } from '@warren/go-toolchain';
import { IDE_ENV } from '@warren/workspace-api/lib/ide-contract';
import { seedIdeSettings } from './ide-settings';
import { checkPortFree } from './port';
import { listPids, processStat } from './process-stat';
import { SandboxSpec, sandboxCommand } from './sandbox';

export interface IdeOptions {
    /** The workspace folder the IDE opens. */
    workspace: string;
    /** The IDE's own config folder (settings, recent workspaces): THEIA_CONFIG_DIR. */
    configDir: string;
    port: number;
    /** Default 127.0.0.1: an IDE is never exposed beyond this machine by itself. */
    host?: string;
    /** The Theia application folder; default: Warren's browser-app. */
    appDir?: string;
    /** The folder of VS Code-API plugins to load; default: Warren's plugins/. Empty string: none. */
    pluginsDir?: string;
    /** The environment of the IDE and of everything it starts (terminals, gopls, dlv). Default: this process's. */
    env?: NodeJS.ProcessEnv;
    /** Where the backend's log goes: inherited, or collected for the caller. */
    stdio?: 'inherit' | 'pipe';
    /** How long to wait for the backend to listen. */
    startTimeoutMs?: number;
    /** Append the backend's output to this file instead of piping it (the IDE then outlives this process). */
    logFile?: string;
    /** Every request must carry this in IDE_SECRET_HEADER (ide-guard.ts); none: the IDE answers anyone who reaches its port. */
    secret?: string;
    /** Run as the tenant's user in a bubblewrap sandbox (sandbox.ts); none: as this process's user, seeing what it sees. */
    sandbox?: SandboxSpec;
}

export interface IdeHandle {
    url: string;
    process: ChildProcess;
    /** Milliseconds from spawn to the backend saying it listens. */
    startupMs: number;
    /** What the backend printed so far (its first megabyte). */
    output(): string;
    /** SIGTERM, then SIGKILL after the timeout; resolves when the process tree has exited. */
    stop(timeoutMs?: number): Promise<void>;
}

/** Output kept for error messages and callers; a long-running IDE must not grow without bound. */
const MAX_OUTPUT_CHARS = 1024 * 1024;
const LISTENING = /listening on (http\S+?)\.?\s*$/m;

export function defaultAppDir(): string {
    return path.dirname(require.resolve('@warren/browser-app/package.json'));
}

export function defaultPluginsDir(): string {
    return path.dirname(path.dirname(require.resolve('warren-go/package.json')));
}

/** Checks what the caller gave before anything is started, with a message that says how to fix each problem. */
function validate(options: IdeOptions, appDir: string): void {
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(options.workspace);
    } catch {
        throw new Error(`The workspace folder ${options.workspace} does not exist. Create it, or pass an existing folder.`);
    }
    if (!stat.isDirectory()) {
        throw new Error(`${options.workspace} is a file, not a folder. Pass the folder of a Go module.`);
    }
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
        throw new Error(`Port "${options.port}" is not a TCP port: use a whole number from 1 to 65535.`);
    }
    if (!fs.existsSync(path.join(appDir, 'lib', 'backend', 'main.js'))) {
        throw new Error(`The IDE in ${appDir} is not built: run "npm run build" first.`);
    }
}

/** An IDE backend that was launched and may not listen yet. */
export interface SpawnedIde {
    /** Where it will listen. */
    url: string;
    process: ChildProcess;
    /** What the backend printed so far (its first megabyte). */
    output(): string;
    /** Resolves when the process has exited. */
    exited: Promise<void>;
}

/**
 * Launches one IDE backend for one workspace and returns at once: the caller sees it listen later
 * (startIde waits for that). The backend leads a process group of its own, so that everything it
 * starts can be stopped with it, and with logFile set it outlives this process.
 */
export async function spawnIde(options: IdeOptions): Promise<SpawnedIde> {
    const host = options.host ?? '127.0.0.1';
    const appDir = options.appDir ?? defaultAppDir();
    const pluginsDir = options.pluginsDir ?? defaultPluginsDir();
    const workspace = path.resolve(options.workspace);
    validate({ ...options, workspace }, appDir);
    await checkPortFree(options.port, host);
    const seeded = seedIdeSettings(options.configDir);
    if (seeded.warning) {
        console.warn(`warning: ${seeded.warning}`);
    } else if (options.sandbox) {
        fs.chownSync(seeded.file, options.sandbox.uid, options.sandbox.gid); // the IDE writes its own settings
    }
    const baseEnv = options.env ?? process.env;
    const env: NodeJS.ProcessEnv = {
        ...baseEnv,
        THEIA_CONFIG_DIR: path.resolve(options.configDir),
        SHELL: baseEnv.SHELL || '/bin/bash',
        WARREN_CACHE_DIR: warrenCacheDir(baseEnv)
    };
    const node = [process.execPath];
    if (options.secret) {
        node.push('--require', path.join(__dirname, 'ide-guard.js'));
        env[IDE_ENV.secret] = options.secret;
    }
    node.push(ideMainOf(appDir), workspace, `--hostname=${host}`, `--port=${options.port}`);
    if (pluginsDir) {
        node.push(`--plugins=local-dir:${path.resolve(pluginsDir)}`);
    }
    const [command, ...args] = options.sandbox ? sandboxCommand(options.sandbox, node, workspace) : node;
    const logFd = options.logFile ? openLog(options.logFile) : undefined;
    const logStart = options.logFile ? fs.fstatSync(logFd!).size : 0;
    const child = spawn(command, args, { cwd: workspace, env, stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'], detached: true });
    if (logFd !== undefined) {
        fs.closeSync(logFd);
        child.unref();
    }
    let piped = '';
    const collect = (chunk: Buffer, sink: NodeJS.WriteStream): void => {
        if (piped.length < MAX_OUTPUT_CHARS) {
            piped += chunk.toString();
        }
        if (options.stdio === 'inherit') {
            sink.write(chunk);
        }
    };
    child.stdout?.on('data', (c: Buffer) => collect(c, process.stdout));
    child.stderr?.on('data', (c: Buffer) => collect(c, process.stderr));
    return {
        url: `http://${host}:${options.port}/`,
        process: child,
        output: () => (options.logFile ? readFrom(options.logFile, logStart) : piped),
        exited: new Promise<void>(resolve => child.once('exit', () => resolve()))
    };
}

/** The backend's entry point in a Theia application folder: what an IDE process's command line names. */
export function ideMainOf(appDir: string): string {
    return path.join(appDir, 'lib', 'backend', 'main.js');
}

/** Starts one IDE backend for one workspace and resolves once it listens. */
export async function startIde(options: IdeOptions): Promise<IdeHandle> {
    const started = Date.now();
    const ide = await spawnIde(options);
    const { process: child, output } = ide;
    const url = await new Promise<string>((resolve, reject) => {
        const timeoutMs = options.startTimeoutMs ?? 60_000;
        const deadline = Date.now() + timeoutMs;
        const onExit = (code: number | null, signal: string | null): void => {
            clearInterval(poll);
            reject(new Error(`The IDE exited during start-up (${signal ?? `exit code ${code}`}). Its log:\n${tail(output())}`));
        };
        const poll = setInterval(() => {
            if (LISTENING.test(output())) {
                clearInterval(poll);
                child.off('exit', onExit);
                resolve(ide.url);
            } else if (Date.now() > deadline) {
                clearInterval(poll);
                child.off('exit', onExit);
                reject(new Error(`The IDE did not listen within ${timeoutMs / 1000} s. Its log:\n${tail(output())}`));
            }
        }, 50);
        child.once('exit', onExit);
    }).catch(async err => {
        await stopProcessGroup(child.pid!, 5_000);
        throw err;
    });

    return {
        url,
        process: child,
        startupMs: Date.now() - started,
        output,
        stop: async (timeoutMs = 5_000) => {
            await stopProcessGroup(child.pid!, timeoutMs);
            await ide.exited;
        }
    };
}

function openLog(file: string): number {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.openSync(file, 'a');
}

/** Up to MAX_OUTPUT_CHARS of file from offset on. */
function readFrom(file: string, offset: number): string {
    try {
        const fd = fs.openSync(file, 'r');
        try {
            const buffer = Buffer.alloc(MAX_OUTPUT_CHARS);
            return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, offset)).toString();
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return '';
    }
}

function tail(text: string, lines = 30): string {
    return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface StopGroupOptions {
    /**
     * Wait until the group is empty, zombies included (the default), or only until none of its
     * processes runs. An IDE's children that exit after it are reaped by PID 1, which may take
     * seconds (or never come, in a container whose PID 1 reaps nothing); a zombie holds nothing.
     */
    untilReaped?: boolean;
}

/**
 * Stops an IDE by its process group (the backend is a group leader, detached), so that its file
 * watcher and plugin hosts stop with it, whether this process started it or adopted it: SIGTERM,
 * then SIGKILL after the timeout, until the group is empty (or, with untilReaped false, until nothing of it runs).
 */
export async function stopProcessGroup(pgid: number, timeoutMs = 5_000, options: StopGroupOptions = {}): Promise<void> {
    const alive = options.untilReaped === false ? groupRunning : groupAlive;
    const kill = (signal: NodeJS.Signals): void => {
        try {
            process.kill(-pgid, signal);
        } catch {
            // already gone
        }
    };
    kill('SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (alive(pgid) && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    for (let i = 0; i < 50 && alive(pgid); i++) {
        kill('SIGKILL');
        await new Promise(resolve => setTimeout(resolve, 100));
    }
}

export function groupAlive(pgid: number): boolean {
    try {
        process.kill(-pgid, 0);
        return true;
    } catch {
        return false;
    }
}

/** A process of the group runs (exited members waiting to be reaped do not count); where /proc cannot be read, groupAlive. */
export function groupRunning(pgid: number): boolean {
    if (!groupAlive(pgid)) {
        return false;
    }
    const pids = listPids();
    return pids === undefined || pids.some(pid => {
        const stat = processStat(pid);
        return stat?.pgrp === pgid && stat.state !== 'Z';
    });
}
