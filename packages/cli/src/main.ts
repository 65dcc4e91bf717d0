#!/usr/bin/env node
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { connect, DNS_LABEL, SqliteStore, unary } from '@warren/workspace-manager';
import { dataDir } from './data-dir';
import { registerServe } from './serve';
import { registerUsers } from './users';
import { Workspace__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/Workspace';
import { OutputFormat, phaseOf, print, table, workspaceRows } from './output';

const DEFAULT_ADDR = '127.0.0.1:7400';

function parseGoEnv(pairs: string[]): Record<string, string> {
    return Object.fromEntries(pairs.map(p => {
        const i = p.indexOf('=');
        if (i <= 0) {
            throw new Error(`--go-env "${p}" is not KEY=VALUE (e.g. GOPROXY=https://proxy.example.com).`);
        }
        return [p.slice(0, i), p.slice(i + 1)];
    }));
}

const program = new Command('warren')
    .description('Warren: a browser IDE for Go, served as a service')
    .addOption(new Option('--addr <host:port>', 'the workspace manager').env('WARREN_ADDR').default(DEFAULT_ADDR))
    .addOption(new Option('--token <token>', 'your bearer token').env('WARREN_TOKEN'))
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .showHelpAfterError();

const globals = (): { addr: string; token?: string; output: OutputFormat } => program.opts();

registerServe(program);
registerUsers(program);

const workspace = program.command('workspace').alias('ws').description('create, list, start, stop, delete and watch workspaces');

workspace.command('create <id>')
    .description('create a workspace (it starts in the background)')
    .requiredOption('--class <name>', 'its workspace class (warren workspace classes)')
    .option('--name <name>', 'a human name; default: the id')
    .option('--go-env <KEY=VALUE...>', 'GOPROXY, GOPRIVATE, GONOSUMDB or GOFLAGS', [])
    .option('--tenant <tenant>', 'admin tokens: the tenant to create it for')
    .action(async (id: string, opts: { class: string; name?: string; goEnv: string[]; tenant?: string }) => {
        const res = await unary<{ workspace: Workspace__Output }>(connect(globals().addr, globals().token), 'CreateWorkspace',
            { id, className: opts.class, name: opts.name ?? '', goEnv: parseGoEnv(opts.goEnv), tenant: opts.tenant ?? '' });
        print(globals().output, res.workspace, () => workspaceRows([res.workspace], false));
    });

workspace.command('list')
    .description('list your workspaces')
    .option('--tenant <tenant>', 'admin tokens: one tenant (default: all)')
    .action(async (opts: { tenant?: string }) => {
        const res = await unary<{ workspaces: Workspace__Output[] }>(connect(globals().addr, globals().token), 'ListWorkspaces', { tenant: opts.tenant ?? '' });
        print(globals().output, res.workspaces, () => (res.workspaces.length ? workspaceRows(res.workspaces, true) : 'No workspaces: create one with "warren workspace create ID --class small".'));
    });

for (const [verb, method, what] of [['get', 'GetWorkspace', 'show one workspace'], ['start', 'StartWorkspace', 'start a workspace'],
    ['stop', 'StopWorkspace', 'stop a workspace (its files stay)'], ['delete', 'DeleteWorkspace', 'delete a workspace and its files']] as const) {
    const cmd = workspace.command(`${verb} <id>`).description(what).option('--tenant <tenant>', 'admin tokens: the tenant that owns it');
    if (verb === 'delete') {
        cmd.option('-y, --yes', 'do not ask: the files are deleted too');
    }
    cmd.action(async (id: string, opts: { tenant?: string; yes?: boolean }) => {
        if (verb === 'delete' && !opts.yes) {
            throw new Error(`Deleting "${id}" removes its files for good: run again with --yes to confirm.`);
        }
        const res = await unary<{ workspace: Workspace__Output }>(connect(globals().addr, globals().token), method, { id, tenant: opts.tenant ?? '' });
        print(globals().output, res.workspace, () => workspaceRows([res.workspace], false));
    });
}

workspace.command('classes')
    .description('list the workspace classes')
    .action(async () => {
        const res = await unary<{ classes: Array<Record<string, string | number>> }>(connect(globals().addr, globals().token), 'ListWorkspaceClasses', {});
        print(globals().output, res.classes, () => table(['NAME', 'CPU', 'MEMORY', 'DISK', 'GPU', 'DESCRIPTION'],
            res.classes.map(c => [String(c.name), String(c.cpu), String(c.memory), String(c.disk), c.gpuResource ? `${c.gpuResource} x${c.gpuCount}` : '-', String(c.description)])));
    });

workspace.command('watch')
    .description('print every status change until Ctrl+C')
    .option('--tenant <tenant>', 'admin tokens: one tenant (default: all)')
    .action(async (opts: { tenant?: string }) => {
        const c = connect(globals().addr, globals().token);
        const stream = c.client.WatchWorkspaces({ tenant: opts.tenant ?? '', initial: true }, c.metadata);
        await new Promise<void>((resolve, reject) => {
            stream.on('data', (m: { workspace: Workspace__Output; deleted: boolean }) => {
                const ws = m.workspace;
                console.log(globals().output === 'json' ? JSON.stringify(m)
                    : `${ws.tenant}/${ws.id}\t${m.deleted ? 'deleted' : phaseOf(ws)}\tv${ws.status?.version}\t${ws.status?.failureReason || ws.status?.url || ''}`);
            });
            stream.on('error', (err: Error & { details?: string }) => reject(new Error(err.details ?? err.message)));
            stream.on('end', resolve);
            process.once('SIGINT', () => { stream.cancel(); resolve(); });
        });
    });

const token = program.command('token')
    .description('make, list and revoke tokens (on this machine: needs the data folder, where the tokens live)')
    .option('--data-dir <dir>', 'the manager\'s data folder (WARREN_DATA_DIR)');
const store = (): SqliteStore => {
    const dir = dataDir(token.opts().dataDir);
    if (!fs.existsSync(path.join(dir, 'warren.db'))) {
        throw new Error(`No Warren database in ${dir}: start "warren serve" once, or pass --data-dir.`);
    }
    return new SqliteStore(path.join(dir, 'warren.db'));
};

token.command('create')
    .description('make a token for a tenant (or an admin token) and print it once')
    .option('--tenant <tenant>', 'the tenant it acts for')
    .option('--admin', 'an admin token, which sees every tenant')
    .option('--description <text>', 'what it is for', '')
    .action((opts: { tenant?: string; admin?: boolean; description: string }) => {
        if (!!opts.tenant === !!opts.admin) {
            throw new Error('Give either --tenant NAME or --admin.');
        }
        if (opts.tenant && !DNS_LABEL.test(opts.tenant)) {
            throw new Error(`--tenant "${opts.tenant}" is not a DNS-1123 label: lower-case letters, digits and '-', starting with a letter.`);
        }
        const s = store();
        try {
            const { token: value, record } = s.createToken(opts.tenant, opts.description);
            print(globals().output, { token: value, ...record }, () => `${value}\n(id ${record.id}; it is shown only now)`);
        } finally {
            s.close();
        }
    });

token.command('list').description('list tokens (never their values)').action(() => {
    const s = store();
    try {
        const list = s.listTokens();
        print(globals().output, list, () => table(['ID', 'TENANT', 'CREATED', 'DESCRIPTION'], list.map(t => [t.id, t.tenant ?? '(admin)', t.createdAt, t.description])));
    } finally {
        s.close();
    }
});

token.command('revoke <id>').description('revoke a token by its id').action((id: string) => {
    const s = store();
    try {
        if (!s.revokeToken(id)) {
            throw new Error(`No token with id "${id}": see "warren token list".`);
        }
        console.log(`revoked ${id}`);
    } finally {
        s.close();
    }
});

program.parseAsync(process.argv).catch((err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
});
