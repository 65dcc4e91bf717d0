import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

export interface GitServerOptions {
    /** user → token: every request needs HTTP basic auth with one of them. Empty: anonymous read and write. */
    users?: Record<string, string>;
    /** The address to listen on; default 127.0.0.1. */
    host?: string;
}

/** One request the server answered, for assertions on what a client sent (never the password). */
export interface GitRequest {
    method: string;
    path: string;
    user?: string;
    status: number;
}

/**
 * A real git server for tests (it runs in the test's process: talk to it with asynchronous child
 * processes, never execFileSync, which would block the server too): `git http-backend` (smart HTTP, fetch and push) behind a Node HTTP
 * server with basic auth, serving bare repositories in a temporary folder.
 */
export class GitServer {
    readonly root: string;
    readonly requests: GitRequest[] = [];
    protected server?: http.Server;
    url = '';

    protected constructor(protected readonly options: GitServerOptions) {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-git-server-'));
    }

    static async start(options: GitServerOptions = {}): Promise<GitServer> {
        const server = new GitServer(options);
        await server.listen();
        return server;
    }

    /** The URL of a repository by name ("team/api" → <url>/team/api.git). */
    repoUrl(name: string): string {
        return `${this.url}/${name}.git`;
    }

    /** The bare repository's folder. */
    repoDir(name: string): string {
        return path.join(this.root, `${name}.git`);
    }

    /**
     * Makes a bare repository whose main branch has these files in one commit (author "Fixture
     * Author"), plus any extra branches and tags; returns its URL.
     */
    createRepo(name: string, files: Record<string, string>, extra: { branches?: Record<string, Record<string, string>>; tags?: string[] } = {}): string {
        const bare = this.repoDir(name);
        fs.mkdirSync(path.dirname(bare), { recursive: true });
        git(['init', '-q', '--bare', '-b', 'main', bare]);
        const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-git-seed-'));
        try {
            git(['init', '-q', '-b', 'main', work]);
            writeFiles(work, files);
            commitAll(work, 'Initial commit');
            for (const tag of extra.tags ?? []) {
                git(['-C', work, 'tag', tag]);
            }
            for (const [branch, branchFiles] of Object.entries(extra.branches ?? {})) {
                git(['-C', work, 'checkout', '-q', '-b', branch, 'main']);
                writeFiles(work, branchFiles);
                commitAll(work, `On ${branch}`);
                git(['-C', work, 'checkout', '-q', 'main']);
            }
            git(['-C', work, 'push', '-q', bare, '--all']);
            git(['-C', work, 'push', '-q', bare, '--tags']);
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
        git(['-C', bare, 'config', 'http.receivepack', 'true']);
        return this.repoUrl(name);
    }

    /** `git <args>` in a bare repository (e.g. log -1 --format=%an main). */
    git(name: string, args: string[]): string {
        return git(['-C', this.repoDir(name), ...args]);
    }

    async dispose(): Promise<void> {
        const closed = new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
        this.server?.closeAllConnections();
        await closed;
        fs.rmSync(this.root, { recursive: true, force: true });
    }

    protected listen(): Promise<void> {
        this.server = http.createServer((req, res) => this.handle(req, res));
        return new Promise((resolve, reject) => {
            this.server!.once('error', reject);
            this.server!.listen(0, this.options.host ?? '127.0.0.1', () => {
                const address = this.server!.address() as { address: string; port: number };
                this.url = `http://${address.address}:${address.port}`;
                resolve();
            });
        });
    }

    protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = new URL(req.url ?? '/', 'http://git');
        const record = (status: number, user?: string): void => {
            this.requests.push({ method: req.method ?? '', path: url.pathname, user, status });
        };
        const users = this.options.users ?? {};
        let user: string | undefined;
        if (Object.keys(users).length) {
            const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
            const [name, ...rest] = m ? Buffer.from(m[1], 'base64').toString().split(':') : [];
            if (!name || users[name] === undefined || users[name] !== rest.join(':')) {
                record(401, name);
                res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="warren test git"' }).end('Authentication required\n');
                return;
            }
            user = name;
        }
        const child = spawn('git', ['http-backend'], {
            env: {
                PATH: process.env.PATH, GIT_PROJECT_ROOT: this.root, GIT_HTTP_EXPORT_ALL: '1',
                REQUEST_METHOD: req.method, PATH_INFO: decodeURIComponent(url.pathname), QUERY_STRING: url.search.slice(1),
                CONTENT_TYPE: req.headers['content-type'] ?? '', REMOTE_USER: user ?? 'anonymous', REMOTE_ADDR: req.socket.remoteAddress ?? '',
                HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '', GIT_PROTOCOL: String(req.headers['git-protocol'] ?? '')
            },
            stdio: ['pipe', 'pipe', 'inherit']
        });
        req.pipe(child.stdin);
        let head = Buffer.alloc(0);
        let headersDone = false;
        child.stdout.on('data', (chunk: Buffer) => {
            if (headersDone) {
                res.write(chunk);
                return;
            }
            head = Buffer.concat([head, chunk]);
            const end = head.indexOf('\r\n\r\n');
            if (end < 0) {
                return;
            }
            headersDone = true;
            let status = 200;
            const headers: Record<string, string> = {};
            for (const line of head.subarray(0, end).toString().split('\r\n')) {
                const colon = line.indexOf(':');
                const key = line.slice(0, colon).trim();
                const value = line.slice(colon + 1).trim();
                if (key.toLowerCase() === 'status') {
                    status = Number(value.split(' ')[0]);
                } else if (key) {
                    headers[key] = value;
                }
            }
            record(status, user);
            res.writeHead(status, headers);
            res.write(head.subarray(end + 4));
        });
        child.on('close', () => {
            if (!headersDone) {
                record(500, user);
                res.writeHead(500).end('git http-backend gave no answer\n');
            } else {
                res.end();
            }
        });
    }
}

function git(args: string[]): string {
    return execFileSync('git', args, {
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 'Fixture Author', GIT_AUTHOR_EMAIL: 'fixture@example.com', GIT_COMMITTER_NAME: 'Fixture Author', GIT_COMMITTER_EMAIL: 'fixture@example.com' }
    });
}

function writeFiles(dir: string, files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
}

function commitAll(dir: string, message: string): void {
    git(['-C', dir, 'add', '-A']);
    git(['-C', dir, 'commit', '-q', '-m', message]);
}
