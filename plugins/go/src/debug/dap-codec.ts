/** A DAP message: a request, a response or an event (the Debug Adapter Protocol's base shape). */
export interface DapMessage {
    seq: number;
    type: 'request' | 'response' | 'event';
    command?: string;
    event?: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    [key: string]: any;
}

/** Frames a message for the wire: a Content-Length header, a blank line, the JSON body. */
export function encodeDap(message: DapMessage): Buffer {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');

/** Splits a byte stream into DAP messages, however the stream's chunks fall. */
export class DapDecoder {
    protected buffer = Buffer.alloc(0);

    constructor(protected readonly onMessage: (message: DapMessage) => void) { }

    push(chunk: Buffer): void {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        for (;;) {
            const end = this.buffer.indexOf(HEADER_END);
            if (end < 0) {
                return;
            }
            const header = this.buffer.subarray(0, end).toString('ascii');
            const m = /Content-Length:\s*(\d+)/i.exec(header);
            if (!m) {
                throw new Error(`DAP header without Content-Length: ${JSON.stringify(header)}`);
            }
            const start = end + HEADER_END.length;
            const length = Number(m[1]);
            if (this.buffer.length < start + length) {
                return;
            }
            const body = this.buffer.subarray(start, start + length).toString('utf8');
            this.buffer = this.buffer.subarray(start + length);
            this.onMessage(JSON.parse(body) as DapMessage);
        }
    }
}
