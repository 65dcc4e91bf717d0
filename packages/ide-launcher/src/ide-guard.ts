/**
 * Loaded with `node --require` before Theia's backend, when the IDE is given a secret: every HTTP
 * request and WebSocket upgrade without it gets 401, before any of Theia's routes (its cookie,
 * /file, /file-upload, the terminal) sees it. The secret leaves the environment first, so that
 * nothing the IDE starts (plugin hosts, terminals, gopls) inherits it.
 *
 * Why here and not a Theia contribution: a backend contribution's middleware runs in the order
 * contributions are bound, after some of Theia's own routes, and WebSocket upgrades bypass Express.
 * Guarding the server's `request` and `upgrade` events covers every route there is or will be, on
 * every TCP server of the process; servers on a Unix socket are left alone.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { IDE_ENV, IDE_IDENTITY_PATH, IDE_NONCE_HEADER, IDE_SECRET_HEADER } from '@warren/workspace-api/lib/ide-contract';
import { identityProof } from './ide-identity';

const secret = process.env[IDE_ENV.secret];
delete process.env[IDE_ENV.secret];

if (secret) {
    const expected = Buffer.from(secret);
    const allowed = (req: http.IncomingMessage): boolean => {
        const given = Buffer.from(String(req.headers[IDE_SECRET_HEADER] ?? ''));
        return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    };
    const REFUSAL = JSON.stringify({ error: 'This IDE answers only Warren\'s control plane: open the workspace through the gateway.' });
    for (const proto of [http.Server.prototype, https.Server.prototype] as Array<{ emit: (event: string | symbol, ...args: unknown[]) => boolean }>) {
        const emit = proto.emit;
        proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
            // A server on a Unix socket (the git credential relay's, in a folder of this user's only) is not
            // the IDE's port: only the workspace's own processes reach it, and they never have the secret.
            if ((event !== 'request' && event !== 'upgrade') || typeof (this as http.Server).address() === 'string') {
                return emit.call(this, event, ...args);
            }
            const req = args[0] as http.IncomingMessage;
            if (event === 'request' && req.method === 'GET' && req.url === IDE_IDENTITY_PATH) {
                // Readiness: the manager checks that this port is this workspace's IDE (not another
                // program that took the port) without showing it the secret.
                const nonce = String(req.headers[IDE_NONCE_HEADER] ?? '');
                const res = args[1] as http.ServerResponse;
                res.writeHead(nonce ? 200 : 400, { 'Content-Type': 'application/json' })
                    .end(JSON.stringify(nonce ? { proof: identityProof(secret, nonce) } : { error: `send a nonce in ${IDE_NONCE_HEADER}` }));
                return true;
            }
            if (!allowed(req)) {
                if (event === 'request') {
                    (args[1] as http.ServerResponse).writeHead(401, { 'Content-Type': 'application/json', Connection: 'close' }).end(REFUSAL);
                } else {
                    const socket = args[1] as import('net').Socket;
                    socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(REFUSAL)}\r\nConnection: close\r\n\r\n${REFUSAL}`);
                }
                return true;
            }
            delete req.headers[IDE_SECRET_HEADER];
            return emit.call(this, event, ...args);
        };
    }
}
