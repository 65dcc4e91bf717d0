#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { startIde } from './start-ide';

const USAGE = `usage: warren-ide --workspace <folder> --config-dir <folder> [--port 3000] [--host 127.0.0.1] [--log <file>]

Starts the Warren IDE on one workspace folder and prints its URL. Ctrl+C stops it.`;

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
    const port = Number(values.port);
    const ide = await startIde({ workspace: values.workspace, configDir: values['config-dir'], port, host: values.host, stdio: values.log ? 'pipe' : 'inherit' });
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
        const stop = (): void => { ide.stop().then(() => resolve(0), () => resolve(1)); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        ide.process.once('exit', c => resolve(c ?? 1));
    });
    return code;
}

main().then(code => process.exit(code), (err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
});
