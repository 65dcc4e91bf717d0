#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { seedWorkspace } from './seed-workspace';
import { startIde } from './start-ide';

const USAGE = `usage: warren-ide --workspace <folder> --config-dir <folder> [--port 3000] [--host 127.0.0.1] [--log <file>]
                  [--template <folder>] [--secret-env <VAR>]

Starts the Warren IDE on one workspace folder and prints its URL. Ctrl+C (or SIGTERM) stops it.

  --template <folder>  when the workspace folder does not exist, create it as a copy of this one
  --secret-env <VAR>   answer only requests that carry the secret in environment variable VAR (in the
                       x-warren-ide-secret header); VAR must be set. It is removed from the environment
                       of the IDE and of everything the IDE starts.`;

async function main(): Promise<number> {
    let values;
    try {
        values = parseArgs({
            options: {
                workspace: { type: 'string' },
                'config-dir': { type: 'string' },
                port: { type: 'string', default: '3000' },
                host: { type: 'string', default: '127.0.0.1' },
                log: { type: 'string' },
                template: { type: 'string' },
                'secret-env': { type: 'string' },
                help: { type: 'boolean' }
            }
        }).values;
    } catch (err) {
        console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    if (!values.workspace || !values['config-dir']) {
        console.error(`error: --workspace and --config-dir are required\n\n${USAGE}`);
        return 2;
    }
    let secret: string | undefined;
    const secretEnv = values['secret-env'];
    if (secretEnv !== undefined) {
        secret = process.env[secretEnv];
        delete process.env[secretEnv];
        if (!secret) {
            console.error(`error: ${secretEnv} is not set. This IDE answers only requests that carry its secret: ` +
                `set ${secretEnv} to the workspace's IDE secret (the control plane does), or leave out --secret-env.`);
            return 2;
        }
    }
    if (values.template !== undefined && seedWorkspace(values.workspace, values.template)) {
        console.log(`created ${path.resolve(values.workspace)} from ${path.resolve(values.template)}`);
    }
    const port = Number(values.port);
    const ide = await startIde({ workspace: values.workspace, configDir: values['config-dir'], port, host: values.host, secret, stdio: values.log ? 'pipe' : 'inherit' });
    if (values.log) {
        fs.mkdirSync(path.dirname(values.log), { recursive: true });
        const log = fs.createWriteStream(values.log, { flags: 'w' });
        log.write(ide.output());
        ide.process.stdout!.pipe(log);
        ide.process.stderr!.pipe(log);
    }
    console.log(`\nWarren IDE is ready in ${(ide.startupMs / 1000).toFixed(1)} s: open ${ide.url}`);
    console.log(`  workspace ${path.resolve(values.workspace)}`);
    if (values.log) {
        console.log(`  log       ${values.log}`);
    }
    console.log('  Ctrl+C stops it.');
    const code = await new Promise<number>(resolve => {
        let stopping = false;
        const stop = (): void => {
            // A stop asked for is a success, however the IDE's process ends (SIGTERM, or SIGKILL after 5 s).
            stopping = true;
            ide.stop().then(() => resolve(0), () => resolve(1));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        ide.process.once('exit', c => {
            if (!stopping) {
                resolve(c ?? 1);
            }
        });
    });
    return code;
}

main().then(code => process.exit(code), (err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
});
