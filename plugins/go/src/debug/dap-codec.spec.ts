import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DapDecoder, DapMessage, encodeDap } from './dap-codec';

describe('DAP framing', () => {
    it('should decode messages however the bytes are split, multi-byte text included', () => {
        const messages: DapMessage[] = [
            { seq: 1, type: 'event', event: 'output', body: { output: 'héllo, 世界\n' } },
            { seq: 2, type: 'response', command: 'threads', request_seq: 1, success: true, body: { threads: [] } }
        ];
        const bytes = Buffer.concat(messages.map(encodeDap));
        for (const size of [1, 3, 7, bytes.length]) {
            const got: DapMessage[] = [];
            const decoder = new DapDecoder(m => got.push(m));
            for (let i = 0; i < bytes.length; i += size) {
                decoder.push(bytes.subarray(i, i + size));
            }
            assert.deepEqual(got, messages, `chunks of ${size}`);
        }
    });

    it('should refuse a header without a length', () => {
        assert.throws(() => new DapDecoder(() => undefined).push(Buffer.from('X: 1\r\n\r\n{}')), /without Content-Length/);
    });
});
