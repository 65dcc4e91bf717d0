import * as http from 'http';
import * as net from 'net';

/** A page load (a person's browser navigating) rather than a script's request. */
export function wantsPage(req: http.IncomingMessage): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
        return false;
    }
    const mode = req.headers['sec-fetch-mode'];
    return mode ? mode === 'navigate' : (req.headers.accept ?? '').includes('text/html');
}

/** An error as JSON `{"error": ...}` for scripts, or as a short page for people. */
export function sendError(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string): void {
    if (wantsPage(req)) {
        const html = message.replace(/&/g, '&amp;').replace(/</g, '&lt;');
        res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
            .end(`<!doctype html><meta charset="utf-8"><title>Warren</title><p>${html}</p>`);
    } else {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ error: message }));
    }
}

/** Answers a WebSocket upgrade with an HTTP error and closes the socket. */
export function refuseUpgrade(socket: net.Socket, status: number, message: string): void {
    if (socket.writable) {
        socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
    }
    socket.destroySoon?.();
}
