import * as net from 'net';

/** Resolves when host:port can be listened on; rejects with a message that says what to do otherwise. */
export function checkPortFree(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', (err: NodeJS.ErrnoException) => {
            reject(new Error(err.code === 'EADDRINUSE'
                ? `Port ${port} on ${host} is already in use. Stop the program that uses it (e.g. "ss -ltnp 'sport = :${port}'" shows it) or choose another port with --port.`
                : `Cannot listen on ${host}:${port}: ${err.message}`));
        });
        server.listen(port, host, () => server.close(() => resolve()));
    });
}

/** A port that was free a moment ago on host, for tests and benchmarks. */
export function freePort(host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, host, () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Resolves once a TCP connection to host:port succeeds. */
export function canConnect(port: number, host: string): Promise<boolean> {
    return new Promise(resolve => {
        const socket = net.connect(port, host);
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
    });
}
