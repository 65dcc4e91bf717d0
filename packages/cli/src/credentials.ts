import { Command } from 'commander';
import { WorkspaceClient } from '@warren/workspace-api';
import { OutputFormat, print, table } from './output';

/**
 * `warren credential`: the tenant's git tokens (per host) and its SSH public key. A token is never an
 * argument, which `ps` would show to every user of the machine: it is read from stdin, or asked for
 * without echo on a terminal.
 */
export function registerCredentials(program: Command, client: () => WorkspaceClient, output: () => OutputFormat): void {
    const credential = program.command('credential').alias('cred')
        .description('git credentials of your tenant: tokens per git host, and the SSH key that workspaces use');
    const TENANT = 'admin tokens: the tenant';

    credential.command('add <host>')
        .description('keep a token for a git host (read from stdin, or asked for): workspaces\' git gets it through Warren, never as a file')
        .option('--username <name>', 'the user name sent with the token', 'x-access-token')
        .option('--tenant <tenant>', TENANT)
        .action(async (host: string, opts: { username: string; tenant?: string }) => {
            const token = await readToken(host);
            const added = await client().addGitCredential({ host, username: opts.username, token, tenant: opts.tenant });
            print(output(), added, () => `Kept a token for ${added.host} (user ${added.username}): clones and pushes to ${added.host} use it.`);
        });

    credential.command('list')
        .description('list the git hosts that have a token (never the tokens)')
        .option('--tenant <tenant>', TENANT)
        .action(async (opts: { tenant?: string }) => {
            const list = await client().listGitCredentials(opts.tenant);
            print(output(), list, () => (list.length ? table(['HOST', 'USERNAME', 'ADDED'], list.map(c => [c.host, c.username, c.createdAt]))
                : 'No git tokens: add one with "warren credential add github.com".'));
        });

    credential.command('remove <host>')
        .description('forget the token for a git host')
        .option('--tenant <tenant>', TENANT)
        .action(async (host: string, opts: { tenant?: string }) => {
            await client().removeGitCredential(host, opts.tenant);
            print(output(), { host, removed: true }, () => `Removed the token for ${host}.`);
        });

    credential.command('ssh-key')
        .description('print the tenant\'s SSH public key (made on first use), to add to your account on the git host')
        .option('--tenant <tenant>', TENANT)
        .action(async (opts: { tenant?: string }) => {
            const key = await client().getSshPublicKey(opts.tenant);
            print(output(), key, () => `${key.publicKey}\n# ${key.fingerprint}: add this line to your account's SSH keys on the git host.`);
        });
}

async function readToken(host: string): Promise<string> {
    if (process.stdin.isTTY) {
        return promptHidden(`Token for ${host}: `);
    }
    let text = '';
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) {
        text += chunk;
    }
    const token = text.trim();
    if (!token) {
        throw new Error(`No token on stdin: pipe it in, as in "warren credential add ${host} < token-file", or run this in a terminal to be asked.`);
    }
    return token;
}

function promptHidden(question: string): Promise<string> {
    return new Promise((resolve, reject) => {
        process.stderr.write(question);
        const stdin = process.stdin;
        stdin.setRawMode(true);
        stdin.setEncoding('utf8');
        let text = '';
        const onData = (key: string): void => {
            for (const ch of key) {
                if (ch === '\r' || ch === '\n') {
                    stdin.setRawMode(false);
                    stdin.off('data', onData);
                    stdin.pause();
                    process.stderr.write('\n');
                    if (text) {
                        resolve(text);
                    } else {
                        reject(new Error('No token given.'));
                    }
                    return;
                } else if (ch === '\u0003') {
                    stdin.setRawMode(false);
                    reject(new Error('Cancelled.'));
                    return;
                } else if (ch === '\u007f') {
                    text = text.slice(0, -1);
                } else {
                    text += ch;
                }
            }
        };
        stdin.on('data', onData);
        stdin.resume();
    });
}
