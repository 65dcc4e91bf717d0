import express = require('express');
import * as http from 'http';
import { printable } from '@warren/workspace-api';
import { sendError } from '../proxy/responses';

/** The largest JSON body /api takes: every request the pages make is far smaller. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** What body-parser and Express's router throw: http-errors, whose message is safe to show when `expose` is set. */
interface HttpError {
    status?: number;
    type?: string;
    expose?: boolean;
    message?: string;
    charset?: string;
}

/** The status and message for an error a request ran into; the messages say what to send instead. */
function describe(err: HttpError): { status: number; message: string } {
    switch (err.type) {
        case 'entity.parse.failed':
            return { status: 400, message: `The body is not valid JSON (${printable(err.message ?? '')}): send a JSON object.` };
        case 'entity.too.large':
            return { status: 413, message: `The body is larger than ${BODY_LIMIT_BYTES / 1024} KiB: send at most that.` };
        case 'charset.unsupported':
            return { status: 415, message: `The body's charset ${printable(err.charset ?? '')} is not supported: send JSON in UTF-8.` };
        case 'encoding.unsupported':
            return { status: 415, message: 'The body\'s Content-Encoding is not supported: send it uncompressed.' };
        case 'request.size.invalid':
            return { status: 400, message: 'The body\'s length is not its Content-Length.' };
    }
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    return status < 500
        ? { status, message: err.expose && err.message ? printable(err.message) : `${status} ${http.STATUS_CODES[status]}.` }
        : { status, message: 'The gateway failed on this request: see its log.' };
}

/**
 * The last handler of the gateway's origin: whatever went wrong (a body express.json refused, an
 * error a route threw) is answered as `{"error": ...}` (a short page for a person's navigation
 * outside /api), never Express's HTML page with a stack trace.
 */
export function errorHandler(log: (entry: Record<string, unknown>) => void): express.ErrorRequestHandler {
    return (err: unknown, req, res, _next) => {
        const { status, message } = describe((err ?? {}) as HttpError);
        if (status >= 500) {
            log({ level: 'error', msg: 'gateway request failed', path: req.path, error: err instanceof Error ? err.message : String(err) });
        }
        if (res.headersSent) {
            res.destroy();
        } else if (req.path.toLowerCase().startsWith('/api/')) {
            res.status(status).json({ error: message });
        } else {
            sendError(req, res, status, message);
        }
    };
}
