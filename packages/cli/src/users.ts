import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { AuthStore, checkTenant, checkUserName, hashPassword, newLoginUrl, singleTenantProblem, SqliteAuthStore } from '@warren/gateway';
import { dataDir, SERVE_INFO, ServeInfo } from './data-dir';
import { print, table } from './output';

/** A password from stdin: typed twice without echo on a terminal, or the first line of a pipe. */
async function readPassword(): Promise<string> {
    if (!process.stdin.isTTY) {
        const text = fs.readFileSync(0, 'utf8').split('\n')[0];
        return check(text);
    }
    const ask = (prompt: string): Promise<string> => new Promise(resolve => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
        const write = (rl as unknown as { _writeToOutput: (s: string) => void });
        process.stderr.write(prompt);
        write._writeToOutput = () => undefined;
        rl.question('', answer => { rl.close(); process.stderr.write('\n'); resolve(answer); });
    });
    const first = await ask('Password: ');
    if (first !== await ask('Again: ')) {
        throw new Error('The two passwords differ: nothing was changed.');
    }
    return check(first);
}

function check(password: string): string {
    if (password.length < 8 || password.length > 1024) {
        throw new Error('A password has 8 to 1024 characters.');
    }
    return password;
}

/** What the last "warren serve" with this data folder recorded, if it ran. */
function serveInfo(dir: string): ServeInfo | undefined {
    const file = path.join(dir, SERVE_INFO);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as ServeInfo : undefined;
}

async function withStore<T>(opts: { dataDir?: string }, fn: (store: AuthStore, dir: string) => Promise<T>): Promise<T> {
    const dir = dataDir(opts.dataDir);
    if (!fs.existsSync(dir)) {
        throw new Error(`No Warren data folder at ${dir}: start "warren serve" once, or pass --data-dir.`);
    }
    const store = new SqliteAuthStore(path.join(dir, 'gateway.db'));
    try {
        return await fn(store, dir);
    } finally {
        store.close();
    }
}

export function registerUsers(program: Command): void {
    const output = (): 'table' | 'json' => program.opts().output;
    const user = program.command('user')
        .description('people who sign in with a password (kept in the data folder; a users file is the other way)')
        .option('--data-dir <dir>', 'Warren\'s data folder (WARREN_DATA_DIR)');

    user.command('add <name>')
        .description('add a user, or set the password and tenant of one (reads the password from stdin)')
        .requiredOption('--tenant <tenant>', 'the tenant whose workspaces the user sees')
        .action(async (name: string, opts: { tenant: string }) => {
            checkUserName(name);
            checkTenant(opts.tenant);
            // Not as root, "warren serve" runs every IDE as this one Unix user: only the owner's tenant may have users.
            if (process.getuid?.() !== 0) {
                const problem = singleTenantProblem(serveInfo(dataDir(user.opts().dataDir))?.owner.tenant ?? 'default', [{ user: name, tenant: opts.tenant }]);
                if (problem) {
                    throw new Error(problem);
                }
            }
            const passwordHash = await hashPassword(await readPassword());
            await withStore(user.opts(), store => store.putUser({ user: name, tenant: opts.tenant, passwordHash, createdAt: new Date().toISOString() }));
            console.log(`${name} can sign in now (tenant ${opts.tenant}).`);
        });

    user.command('list').description('list users (not those of a users file)').action(async () => {
        const users = await withStore(user.opts(), store => store.listUsers());
        print(output(), users, () => table(['USER', 'TENANT', 'CREATED'], users.map(u => [u.user, u.tenant, u.createdAt])));
    });

    user.command('remove <name>').description('remove a user and end their sessions').action(async (name: string) => {
        if (!await withStore(user.opts(), store => store.removeUser(name))) {
            throw new Error(`No user "${name}": see "warren user list".`);
        }
        console.log(`removed ${name}`);
    });

    user.command('hash-password')
        .description('print a scrypt hash of a password (from stdin) for a users file')
        .action(async () => { console.log(await hashPassword(await readPassword())); });

    program.command('login-url')
        .description('print a new one-time sign-in link for the person "warren serve" signs in (for an hour; older links stop working)')
        .option('--data-dir <dir>', 'Warren\'s data folder (WARREN_DATA_DIR)')
        .action(async (opts: { dataDir?: string }) => {
            await withStore(opts, async (store, dir) => {
                const info = serveInfo(dir);
                if (!info) {
                    throw new Error(`${path.join(dir, SERVE_INFO)} is missing: start "warren serve" once with this data folder.`);
                }
                console.log(await newLoginUrl(store, info.publicUrl, info.owner));
            });
        });
}
