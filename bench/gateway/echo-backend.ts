/**
 * The workspace backend of the gateway bench, run as a child process (see server-process.ts): on one port, an HTTP
 * server that answers every request with the same page of PAGE_BYTES, and a WebSocket server that sends every
 * message back as it came.
 *
 * It stands in for Warren's IDE. The IDE speaks socket.io and Theia's JSON-RPC over its WebSocket, which adds time
 * of its own to every message; but that time is the same whether the message came straight from the browser or
 * through the gateway, since both paths end at the same backend. With an echo server the difference between the two
 * paths is the gateway's cost alone, and the direct path's own time is as small as it can be, so the ratio is the
 * gateway's worst case.
 */
import * as http from 'http';
import * as net from 'net';
import { WebSocketServer } from 'ws';
import { serveParent, StartedServer } from './server-process';

export const PAGE_BYTES = 1024;

/** What the backend tells the bench once it listens. */
export interface EchoBackendInfo {
    port: number;
}

function page(): Buffer {
    const head = '<!doctype html><title>echo</title><p>';
    return Buffer.from(head.padEnd(PAGE_BYTES, 'x'));
}

async function startEchoBackend(): Promise<StartedServer<EchoBackendInfo>> {
    const body = page();
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length }).end(body);
    });
    // Node's defaults otherwise (5 s idle keep-alive). No compression: socket.io's default, and none for 64 bytes anyway.
    let connections = 0;
    server.on('connection', () => connections++);
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    wss.on('connection', socket => {
        socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
    });
    return {
        info: { port: (server.address() as net.AddressInfo).port },
        connections: () => connections,
        stop: async () => {
            wss.clients.forEach(socket => socket.terminate());
            wss.close();
            server.closeAllConnections();
            await new Promise<void>(resolve => server.close(() => resolve()));
        }
    };
}

if (require.main === module) {
    serveParent(startEchoBackend);
}
