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

/** Ports this process handed out lately: the kernel may give a closed port straight back. */
const handedOut: number[] = [];

/**
 * A port that was free a moment ago on host, and not one this process handed out lately: two calls
 * in a row (a gateway's and a gRPC port, two IDEs starting at once) once got the same number.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
    for (let attempt = 0; ; attempt++) {
        const port = await ephemeralPort(host);
        if (!handedOut.includes(port) || attempt >= 20) {
            handedOut.push(port);
            handedOut.splice(0, Math.max(0, handedOut.length - 256));
            return port;
        }
    }
}

function ephemeralPort(host: string): Promise<number> {
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
