import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { describe, it } from 'node:test';
import { freePort } from './port';

describe('freePort', () => {
    it('should never hand out the same port twice in a row, and each one can be listened on', async () => {
        // The kernel may give a just-closed port back at once: a gateway and its gRPC API once got one port.
        const ports: number[] = [];
        for (let i = 0; i < 200; i++) {
            ports.push(await freePort());
        }
        assert.equal(new Set(ports).size, ports.length, `repeated: ${ports.filter((p, i) => ports.indexOf(p) !== i).join(', ')}`);
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[ports.length - 1], '127.0.0.1', resolve));
        await new Promise(resolve => server.close(resolve));
    });
});
