/**
 * The gateway bench's reference hop, run as a child process (see server-process.ts): a bare TCP relay to the echo
 * backend whose port is the first argument. Each connection is piped to one of its own to the backend, byte for
 * byte: no HTTP parsing, no sign-in, no metrics. It is what any proxy in a Node process of its own costs at the
 * least (the extra process, its reads and writes, the streams), so that the gateway's own work can be told apart
 * from the cost of there being a hop at all: gateway − relay is the former, relay − direct the latter.
 */
import * as net from 'net';
import { serveParent, StartedServer } from './server-process';

/** What the relay tells the bench once it listens. */
export interface RelayInfo {
    port: number;
}

async function startRelay(backendPort: number): Promise<StartedServer<RelayInfo>> {
    const open = new Set<net.Socket>();
    const server = net.createServer(client => {
        const backend = net.connect(backendPort, '127.0.0.1');
        for (const socket of [client, backend]) {
            // As http-proxy-3 sets up both sockets of a proxied WebSocket.
            socket.setNoDelay(true);
            open.add(socket);
            socket.once('close', () => open.delete(socket));
        }
        client.on('error', () => backend.destroy());
        backend.on('error', () => client.destroy());
        client.pipe(backend).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
    });
    return {
        info: { port: (server.address() as net.AddressInfo).port },
        stop: async () => {
            open.forEach(socket => socket.destroy());
            await new Promise<void>(resolve => server.close(() => resolve()));
        }
    };
}

if (require.main === module) {
    const backendPort = Number(process.argv[2]);
    serveParent(() => Number.isInteger(backendPort) && backendPort > 0
        ? startRelay(backendPort)
        : Promise.reject(new Error(`the echo backend's port is missing: got ${process.argv[2]}`)));
}
