import * as http from 'http';
import WebSocket = require('ws');

export interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
    json<T = Record<string, unknown>>(): T;
}

/**
 * What a browser does, for tests and benchmarks: connects to the gateway's address whatever the
 * URL's host (as browsers do for *.localhost), keeps host-only cookies per host, and sends the
 * Origin header it is told to. It does not follow redirects: tests look at each one. With a
 * localAddress (any 127/8 address on Linux) it is another client address to the gateway.
 */
export class BrowserLike {
    readonly cookies = new Map<string, Map<string, string>>();

    constructor(readonly gatewayPort: number, readonly localAddress?: string) { }

    cookieHeader(host: string): string | undefined {
        const jar = this.cookies.get(host);
        return jar && jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
    }

    async request(method: string, url: string, options: { origin?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
        const u = new URL(url);
        const headers: Record<string, string> = { Host: u.host, ...options.headers };
        const cookie = this.cookieHeader(u.host);
        if (cookie) {
            headers.Cookie = cookie;
        }
        if (options.origin) {
            headers.Origin = options.origin;
        }
        const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
        if (payload !== undefined) {
            headers['Content-Type'] = 'application/json';
            // Node sends a DELETE's body without framing unless told its length; browsers always say it.
            headers['Content-Length'] = String(Buffer.byteLength(payload));
        }
        const send = (): Promise<Answer> => new Promise((resolve, reject) => {
            const req = http.request({ host: '127.0.0.1', port: this.gatewayPort, localAddress: this.localAddress, method, path: u.pathname + u.search, headers }, res => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', c => { body += c; });
                res.on('end', () => {
                    this.keep(u.host, res.headers['set-cookie']);
                    resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) });
                });
            });
            req.on('error', err => reject(Object.assign(err, { reused: req.reusedSocket })));
            req.end(payload);
        });
        // A kept-alive connection the server closed meanwhile (the gateway does at sign-out): browsers send again on a new one.
        return send().catch((err: NodeJS.ErrnoException & { reused?: boolean }) => {
            if (err.reused && err.code === 'ECONNRESET') {
                return send();
            }
            throw err;
        });
    }

    /** Follows redirects (GET), as a person's browser does, and answers with the last response and the URL it came from. */
    async navigate(url: string, headers: Record<string, string> = { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' }): Promise<Answer & { url: string }> {
        let current = url;
        for (let i = 0; i < 10; i++) {
            const answer = await this.request('GET', current, { headers });
            if (answer.status < 300 || answer.status >= 400 || !answer.headers.location) {
                return { ...answer, url: current };
            }
            current = new URL(answer.headers.location, current).toString();
        }
        throw new Error(`too many redirects from ${url}`);
    }

    /** Opens a WebSocket as a page on `origin` would; resolves with the socket, or the HTTP status it was refused with. */
    openWebSocket(url: string, origin: string, cookieHost = new URL(url).host): Promise<{ socket?: WebSocket; messages: string[]; status?: number; body?: string; error?: string }> {
        const u = new URL(url);
        const headers: Record<string, string> = { Host: u.host };
        const cookie = this.cookieHeader(cookieHost);
        if (cookie) {
            headers.Cookie = cookie;
        }
        const socket = new WebSocket(`ws://127.0.0.1:${this.gatewayPort}${u.pathname}${u.search}`, { headers, origin, localAddress: this.localAddress });
        // The first message can come in the same packet as the handshake's answer: keep every one from the start.
        const messages: string[] = [];
        socket.on('message', data => messages.push(String(data)));
        return new Promise(resolve => {
            socket.once('open', () => resolve({ socket, messages }));
            socket.once('unexpected-response', (_req, res) => {
                let body = '';
                res.on('data', (c: Buffer) => { body += c; });
                res.on('end', () => {
                    resolve({ status: res.statusCode, body, messages });
                    socket.terminate();
                });
            });
            socket.once('error', err => resolve({ error: err.message, messages }));
        });
    }

    protected keep(host: string, setCookie: string[] | undefined): void {
        for (const line of setCookie ?? []) {
            const [pair, ...attributes] = line.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            const jar = this.cookies.get(host) ?? new Map<string, string>();
            this.cookies.set(host, jar);
            if (attributes.some(a => /^\s*max-age=0\s*$/i.test(a)) || value === '') {
                jar.delete(name);
            } else {
                jar.set(name, value);
            }
        }
    }
}
