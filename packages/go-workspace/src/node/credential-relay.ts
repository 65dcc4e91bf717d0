import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import { inject, injectable } from '@theia/core/shared/inversify';
import { GIT_CREDENTIAL_PATH, GIT_SSH_KEY_PATH, IDE_ENV } from '@warren/workspace-api/lib/ide-contract';

/** What the relay passes on: git's requests for a token and for the SSH key, nothing else of the manager. */
const RELAYED = new Set([GIT_CREDENTIAL_PATH, GIT_SSH_KEY_PATH]);
import { ActivityConfig } from './activity-config';

/**
 * git's way to the tenant's tokens from the IDE: a Unix socket in a folder of this user's only, named
 * to everything the IDE starts by WARREN_CREDENTIAL_SOCKET. Warren's credential helper
 * (packages/git-credential-helper) asks it; the relay adds the workspace's token, which it alone
 * holds, and asks the workspace manager. So a terminal's git push works, and neither the token nor
 * the tenant's git tokens are in any process's environment or file.
 */
@injectable()
export class CredentialRelay implements BackendApplicationContribution {

    @inject(ActivityConfig) protected readonly config: ActivityConfig;
    @inject(ILogger) protected readonly logger: ILogger;

    protected server?: http.Server;
    protected dir?: string;

    async initialize(): Promise<void> {
        if (!this.config.enabled) {
            return;
        }
        const config = this.config;
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-credentials-'));
        fs.chmodSync(this.dir, 0o700);
        const socket = path.join(this.dir, 'git.sock');
        this.server = http.createServer((req, res) => {
            const endpoint = req.url ?? '';
            if (req.method !== 'POST' || !RELAYED.has(endpoint)) {
                res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `The relay takes POST ${[...RELAYED].join(' and ')} only.` }));
                return;
            }
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', () => {
                fetch(config.activityUrl + endpoint, {
                    method: 'POST', body: Buffer.concat(chunks).subarray(0, 4096),
                    headers: { 'authorization': `Bearer ${config.token}`, 'content-type': 'application/json' },
                    signal: AbortSignal.timeout(15_000)
                }).then(async answer => {
                    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
                }).catch(err => {
                    res.writeHead(502, { 'content-type': 'application/json' })
                        .end(JSON.stringify({ error: `the workspace manager did not answer (${(err as Error).message})` }));
                });
            });
        });
        await new Promise<void>((resolve, reject) => {
            this.server!.once('error', reject);
            this.server!.listen(socket, () => resolve());
        });
        fs.chmodSync(socket, 0o600);
        // Set before any terminal, task or plugin host is spawned: they inherit it.
        process.env[IDE_ENV.credentialSocket] = socket;
        this.logger.info(`Warren git credentials: git asks the workspace manager through ${socket}.`);
    }

    onStop(): void {
        this.server?.close();
        if (this.dir) {
            fs.rmSync(this.dir, { recursive: true, force: true });
        }
    }
}
