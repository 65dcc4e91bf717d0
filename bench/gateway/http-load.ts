/**
 * The HTTP half of the gateway bench: GETs of the echo backend's page as fast as `concurrency` requests at a time
 * allow, over a keep-alive agent, straight to the backend or through the gateway (with the Host and cookie of the
 * workspace's origin, as BrowserLike sends them).
 */
import * as http from 'http';
import { performance } from 'perf_hooks';
import { PAGE_BYTES } from './echo-backend';

export interface HttpBlock {
    requests: number;
    elapsedMs: number;
    /** Requests that had to open a connection (the agent had none to reuse). */
    newConnections: number;
    latenciesMs: number[];
}

export class HttpLoad {
    protected readonly agent: http.Agent;

    /** port on 127.0.0.1; headers go with every request (Host at least). */
    constructor(readonly name: string, readonly port: number, readonly headers: Record<string, string>, readonly concurrency: number) {
        this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    }

    /** concurrency loops of GET / until durationMs have passed; a request that fails fails the block. */
    run(durationMs: number): Promise<HttpBlock> {
        const deadline = performance.now() + durationMs;
        return this.runWhile(() => performance.now() < deadline);
    }

    /** concurrency loops of GET / for as long as busy() says; a request that fails fails the block. */
    async runWhile(busy: () => boolean): Promise<HttpBlock> {
        const block: HttpBlock = { requests: 0, elapsedMs: 0, newConnections: 0, latenciesMs: [] };
        const start = performance.now();
        const loop = async (): Promise<void> => {
            while (busy()) {
                await this.get(block);
            }
        };
        await Promise.all(Array.from({ length: this.concurrency }, loop));
        block.elapsedMs = performance.now() - start;
        return block;
    }

    close(): void {
        this.agent.destroy();
    }

    protected get(block: HttpBlock): Promise<void> {
        return new Promise((resolve, reject) => {
            const start = performance.now();
            const req = http.request({ agent: this.agent, host: '127.0.0.1', port: this.port, path: '/', headers: this.headers }, res => {
                let bytes = 0;
                res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
                res.on('error', reject);
                res.on('end', () => {
                    if (res.statusCode !== 200 || bytes !== PAGE_BYTES) {
                        reject(new Error(`${this.name}: GET / answered ${res.statusCode} with ${bytes} bytes, not 200 with ${PAGE_BYTES}`));
                        return;
                    }
                    block.latenciesMs.push(performance.now() - start);
                    block.requests++;
                    if (!req.reusedSocket) {
                        block.newConnections++;
                    }
                    resolve();
                });
            });
            req.on('error', err => reject(new Error(`${this.name}: GET /: ${err.message}`)));
            req.end();
        });
    }
}
