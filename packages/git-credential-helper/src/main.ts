#!/usr/bin/env node
/**
 * git's credential helper in a workspace (`git credential-<helper> get`, the request on stdin). It asks
 * for the tenant's token for the host, and never stores or forgets one ("store" and "erase" do nothing):
 * - in the IDE and its terminals, through the IDE's relay socket (WARREN_CREDENTIAL_SOCKET), which adds
 *   the workspace's token that no terminal sees;
 * - in a clone that the control plane runs, with WARREN_ACTIVITY_URL and WARREN_WORKSPACE_TOKEN.
 * When there is no token for the host it says so on stderr, which git shows, and answers nothing.
 */
import { GIT_CREDENTIAL_PATH, GitCredentialResponse } from '@warren/workspace-api/lib/ide-contract';
import { askWarren, errorOf } from './ask';

async function main(): Promise<void> {
    if (process.argv[2] !== 'get') {
        return;
    }
    const attributes = parse(await readStdin());
    if (attributes.protocol !== 'https' && attributes.protocol !== 'http') {
        return;
    }
    const answer = await askWarren(GIT_CREDENTIAL_PATH, { protocol: attributes.protocol, host: attributes.host ?? '' });
    if (!answer) {
        return; // not in a Warren workspace
    }
    if (answer.status === 200) {
        const login = JSON.parse(answer.text) as GitCredentialResponse;
        process.stdout.write(`username=${login.username}\npassword=${login.password}\n`);
        return;
    }
    process.stderr.write(`warren: ${errorOf(answer)}\n`);
}
function parse(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) {
            out[line.slice(0, eq)] = line.slice(eq + 1);
        }
    }
    return out;
}

function readStdin(): Promise<string> {
    return new Promise((resolve, reject) => {
        let text = '';
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', chunk => { text += chunk; });
        process.stdin.on('end', () => resolve(text));
        process.stdin.on('error', reject);
    });
}

main().catch(err => {
    process.stderr.write(`warren: could not ask for git credentials: ${(err as Error).message}\n`);
});
