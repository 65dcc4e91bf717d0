#!/usr/bin/env node
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { checkGitSource, suggestedId, tenantProblem, WatchMessage, WorkspaceClient } from '@warren/workspace-api';
import { SqliteStore } from '@warren/workspace-manager';
import { dataDir } from './data-dir';
import { registerServe } from './serve';
import { registerCredentials } from './credentials';
import { registerUsers } from './users';
import { noteOf, OutputFormat, phaseOf, print, table, workspaceRows } from './output';

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
const client = (): WorkspaceClient => new WorkspaceClient(globals().addr, globals().token);

registerServe(program);
registerUsers(program);
registerCredentials(program, client, () => globals().output);

const workspace = program.command('workspace').alias('ws').description('create, list, start, stop, delete and watch workspaces');

workspace.command('create [id]')
    .description('create a workspace (it starts in the background), from the template or from a git repository')
    .requiredOption('--class <name>', 'its workspace class (warren workspace classes)')
    .option('--name <name>', 'a human name; default: the id')
    .option('--repo <url>', 'clone this git repository (https or ssh) on its first start; the id defaults to the repository\'s name')
    .option('--ref <ref>', 'with --repo: the branch, tag or commit to check out (default: the repository\'s default branch)')
    .option('--folder <path>', 'with --repo: the folder inside the repository that the IDE opens')
    .option('--go-env <KEY=VALUE...>', 'GOPROXY, GOPRIVATE, GONOSUMDB or GOFLAGS', [])
    .option('--tenant <tenant>', 'admin tokens: the tenant to create it for')
    .action(async (idArg: string | undefined, opts: { class: string; name?: string; repo?: string; ref?: string; folder?: string; goEnv: string[]; tenant?: string }) => {
        if (!opts.repo && (opts.ref || opts.folder)) {
            throw new Error('--ref and --folder go with --repo: add the repository\'s URL.');
        }
        // Checked here too, so that a typo is told before anything is sent.
        const git = opts.repo ? checkGitSource({ url: opts.repo, ref: opts.ref, folder: opts.folder }) : undefined;
        const id = idArg ?? (git ? suggestedId(git.url) : '');
        if (!id) {
            throw new Error(opts.repo ? `The repository URL suggests no id: give one, as in "warren workspace create my-api --repo ${opts.repo}".` : 'Give the workspace an id, as in "warren workspace create my-api --class small".');
        }
        const ws = await client().createWorkspace({
            id, className: opts.class, name: opts.name ?? '', goEnv: parseGoEnv(opts.goEnv), tenant: opts.tenant ?? '',
            source: git ? { git: { url: git.url, ref: git.ref, folder: git.folder } } : { template: {} }
        });
        print(globals().output, ws, () => workspaceRows([ws], false) + (git ? `\nCloning ${git.url} on its first start: "warren workspace watch" shows the progress.` : ''));
    });

workspace.command('list')
    .description('list your workspaces')
    .option('--tenant <tenant>', 'admin tokens: one tenant (default: all)')
    .action(async (opts: { tenant?: string }) => {
        const list = await client().listWorkspaces(opts.tenant);
        print(globals().output, list, () => (list.length ? workspaceRows(list, true) : 'No workspaces: create one with "warren workspace create ID --class small".'));
    });

const TENANT_HELP = 'admin tokens: the tenant that owns it';

workspace.command('get <id>').description('show one workspace').option('--tenant <tenant>', TENANT_HELP)
    .action(async (id: string, opts: { tenant?: string }) => {
        const ws = await client().getWorkspace({ id, tenant: opts.tenant });
        print(globals().output, ws, () => workspaceRows([ws], false));
    });

workspace.command('start <id>').description('start a workspace').option('--tenant <tenant>', TENANT_HELP)
    .action(async (id: string, opts: { tenant?: string }) => {
        const ws = await client().startWorkspace({ id, tenant: opts.tenant });
        print(globals().output, ws, () => workspaceRows([ws], false));
    });

workspace.command('stop <id>')
    .description('stop a workspace: its IDE saves the open editors first, and its files stay')
    .option('--tenant <tenant>', TENANT_HELP)
    .option('--force', 'stop even if some editors cannot be saved (untitled or read-only): what they hold is lost')
    .action(async (id: string, opts: { tenant?: string; force?: boolean }) => {
        const ws = await client().stopWorkspace({ id, tenant: opts.tenant, force: opts.force });
        print(globals().output, ws, () => {
            const held = ws.status?.conditions.find(c => c.startsWith('StopHeldBack: '));
            const note = !held ? '' : opts.force
                ? `\nForced: this is lost when the IDE stops, since it ${held.slice('StopHeldBack: '.length).replace(/\. Save or close.*$/, '.')}`
                : `\nThe stop waits: the IDE ${held.slice('StopHeldBack: '.length)} (warren workspace stop ${id} --force)`;
            return `${workspaceRows([ws], false)}${note}`;
        });
    });

workspace.command('delete <id>').description('delete a workspace and its files').option('--tenant <tenant>', TENANT_HELP)
    .option('-y, --yes', 'do not ask: the files are deleted too')
    .action(async (id: string, opts: { tenant?: string; yes?: boolean }) => {
        if (!opts.yes) {
            throw new Error(`Deleting "${id}" removes its files for good: run again with --yes to confirm.`);
        }
        const ws = await client().deleteWorkspace({ id, tenant: opts.tenant });
        print(globals().output, ws, () => workspaceRows([ws], false));
    });

workspace.command('classes')
    .description('list the workspace classes')
    .action(async () => {
        const classes = await client().listWorkspaceClasses();
        print(globals().output, classes, () => table(['NAME', 'CPU', 'MEMORY', 'DISK', 'GPU', 'IDLE STOP', 'DESCRIPTION'],
            classes.map(c => [c.name, c.cpu, c.memory, c.disk, c.gpuResource ? `${c.gpuResource} x${c.gpuCount}` : '-', `${c.idleTimeoutSeconds} s`, c.description])));
    });

workspace.command('watch')
    .description('print every status change until Ctrl+C')
    .option('--tenant <tenant>', 'admin tokens: one tenant (default: all)')
    .action(async (opts: { tenant?: string }) => {
        const stream = client().watchWorkspaces({ tenant: opts.tenant, initial: true });
        await new Promise<void>((resolve, reject) => {
            stream.on('data', (m: WatchMessage) => {
                const ws = m.workspace!;
                console.log(globals().output === 'json' ? JSON.stringify(m)
                    : `${ws.tenant}/${ws.id}\t${m.deleted ? 'deleted' : phaseOf(ws)}\tv${ws.status?.version}\t${noteOf(ws)}`);
            });
            stream.on('error', (err: Error & { details?: string; code?: number }) => reject(new Error(
                err.code === 14 ? `The workspace manager at ${globals().addr} does not answer: is "warren serve" running there?` : err.details ?? err.message)));
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
    .action(async (opts: { tenant?: string; admin?: boolean; description: string }) => {
        if (!!opts.tenant === !!opts.admin) {
            throw new Error('Give either --tenant NAME or --admin.');
        }
        const problem = opts.tenant ? tenantProblem(opts.tenant) : undefined;
        if (problem) {
            throw new Error(`--tenant ${problem}`);
        }
        const s = store();
        try {
            const { token: value, record } = await s.createToken(opts.tenant, opts.description);
            print(globals().output, { token: value, ...record }, () => `${value}\n(id ${record.id}; it is shown only now)`);
        } finally {
            s.close();
        }
    });

token.command('list').description('list tokens (never their values)').action(async () => {
    const s = store();
    try {
        const list = await s.listTokens();
        print(globals().output, list, () => table(['ID', 'TENANT', 'CREATED', 'DESCRIPTION'], list.map(t => [t.id, t.tenant ?? '(admin)', t.createdAt, t.description])));
    } finally {
        s.close();
    }
});

token.command('revoke <id>').description('revoke a token by its id').action(async (id: string) => {
    const s = store();
    try {
        if (!await s.revokeToken(id)) {
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
