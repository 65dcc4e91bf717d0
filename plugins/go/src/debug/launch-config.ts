import * as fs from 'fs';
import * as path from 'path';

/** A launch.json entry of type "go"; the attribute names are vscode-go's and dlv's, so existing configurations work. */
export interface GoDebugConfiguration {
    type: string;
    request: 'launch' | 'attach';
    name: string;
    /** launch: debug (a package or file), test, exec (a prebuilt binary), core; attach: local (a PID) or remote (a dlv). */
    mode?: 'debug' | 'test' | 'exec' | 'core' | 'local' | 'remote';
    program?: string;
    args?: string[];
    env?: Record<string, string>;
    envFile?: string;
    cwd?: string;
    buildFlags?: string | string[];
    stopOnEntry?: boolean;
    substitutePath?: Array<{ from: string; to: string }>;
    processId?: number | string;
    coreFilePath?: string;
    /** Where a remote dlv listens (attach/remote). */
    host?: string;
    port?: number;
    /** debugConsole (default) or integratedTerminal: where the program's output goes. */
    console?: 'debugConsole' | 'integratedTerminal';
    [key: string]: unknown;
}

const LAUNCH_MODES = ['debug', 'test', 'exec', 'core'];
const ATTACH_MODES = ['local', 'remote'];

/** What is wrong with a configuration, one sentence each that says how to fix it; empty when it can start. */
export function checkConfiguration(c: GoDebugConfiguration, pidExists: (pid: number) => 'yes' | 'no' | 'not-permitted' = processExists): string[] {
    const problems: string[] = [];
    const mode = c.mode ?? (c.request === 'attach' ? 'local' : 'debug');
    if (c.request === 'launch' && !LAUNCH_MODES.includes(mode)) {
        problems.push(`"mode": "${mode}" cannot be launched: use one of ${LAUNCH_MODES.join(', ')}.`);
    }
    if (c.request === 'attach' && !ATTACH_MODES.includes(mode)) {
        problems.push(`"mode": "${mode}" cannot be attached to: use "local" (a process id) or "remote" (a dlv server).`);
    }
    if (c.request !== 'launch' && c.request !== 'attach') {
        problems.push(`"request" must be "launch" or "attach", not "${c.request}".`);
    }
    if (c.request === 'launch' || (c.request === 'attach' && mode === 'remote' && c.program)) {
        if (!c.program) {
            problems.push('"program" is missing: name the package folder, the .go file, the test package or the binary to debug.');
        } else if (c.request === 'launch' && !fs.existsSync(c.program)) {
            problems.push(`"program": ${c.program} does not exist.`);
        }
    }
    if (mode === 'core' && (!c.coreFilePath || !fs.existsSync(c.coreFilePath))) {
        problems.push(`"coreFilePath": ${c.coreFilePath ?? '(missing)'} does not exist: name the core dump to open.`);
    }
    if (c.request === 'attach' && mode === 'local') {
        const pid = Number(c.processId);
        if (!Number.isInteger(pid) || pid <= 0) {
            problems.push(`"processId": ${JSON.stringify(c.processId)} is not a process id: use a number, or "\${command:pickProcess}" to choose one.`);
        } else {
            const exists = pidExists(pid);
            if (exists === 'no') {
                problems.push(`There is no process with id ${pid}: it may have exited. Choose a running process.`);
            } else if (exists === 'not-permitted') {
                problems.push(`Process ${pid} belongs to another user and may not be traced from here.`);
            }
        }
    }
    if (c.request === 'attach' && mode === 'remote' && (!Number.isInteger(c.port) || c.port! < 1 || c.port! > 65535)) {
        problems.push(`"port": ${JSON.stringify(c.port)} is not a TCP port: give the port the remote dlv listens on.`);
    }
    if (c.args !== undefined && (!Array.isArray(c.args) || !c.args.every(a => typeof a === 'string'))) {
        problems.push('"args" must be a list of strings.');
    }
    if (c.envFile && !fs.existsSync(c.envFile)) {
        problems.push(`"envFile": ${c.envFile} does not exist.`);
    }
    if (c.cwd && !fs.existsSync(c.cwd)) {
        problems.push(`"cwd": ${c.cwd} does not exist.`);
    }
    return problems;
}

/** Reads a .env file: KEY=VALUE lines, # comments, optional quotes and `export `. */
export function parseEnvFile(text: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#')) {
            continue;
        }
        const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
        if (!m) {
            continue;
        }
        let value = m[2];
        if (/^(['"]).*\1$/.test(value)) {
            value = value.slice(1, -1);
            if (m[2].startsWith('"')) {
                value = value.replace(/\\n/g, '\n');
            }
        }
        env[m[1]] = value;
    }
    return env;
}

/** The arguments of dlv's launch or attach request: envFile merged under env, the folder dlv should run in. */
export function dlvRequestArguments(c: GoDebugConfiguration): { args: Record<string, unknown>; dlvCwd: string } {
    const fileEnv = c.envFile ? parseEnvFile(fs.readFileSync(c.envFile, 'utf8')) : {};
    const { envFile, host, port, ...rest } = c; // Warren's own attributes, not dlv's
    const args: Record<string, unknown> = { ...rest, env: { ...fileEnv, ...(c.env ?? {}) } };
    if (c.request === 'attach') {
        args.mode = c.mode ?? 'local';
        if (args.processId !== undefined) {
            args.processId = Number(args.processId);
        }
    } else {
        args.mode = c.mode ?? 'debug';
    }
    const program = c.program ?? '';
    const programDir = program && fs.existsSync(program) && fs.statSync(program).isFile() ? path.dirname(program) : program;
    return { args, dlvCwd: c.cwd || programDir || process.cwd() };
}

export function processExists(pid: number): 'yes' | 'no' | 'not-permitted' {
    try {
        process.kill(pid, 0);
        return 'yes';
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'not-permitted' : 'no';
    }
}
