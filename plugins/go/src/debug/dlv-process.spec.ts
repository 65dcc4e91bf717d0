import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DlvStream, KEPT_OUTPUT_LIMIT, ListeningDetector, startDlvDap } from './dlv-process';

const MiB = 1024 * 1024;

/** Writes `total` characters of log lines on `stream` in chunks of `size`, the way a pipe hands them over. */
function flood(detector: ListeningDetector, stream: DlvStream, total: number, size: number): void {
    const line = '2024-05-08T03:08:39Z debug layer=dap [<- from client]{"seq":1,"type":"request","command":"threads"}\n';
    const text = line.repeat(Math.ceil(size / line.length) + 1);
    let offset = 0;
    for (let written = 0; written < total; written += size) {
        // Chunks start mid-line, as they do when dlv writes faster than the pipe is read.
        assert.equal(detector.push(text.slice(offset, offset + size), stream), undefined);
        offset = (offset + size) % line.length;
    }
}

describe('ListeningDetector', () => {
    it('should find the address only once its line is complete, however the chunks split it', () => {
        const detector = new ListeningDetector();
        assert.equal(detector.push('DAP server listening at: 127.0.0.1:382', 'stdout'), undefined, 'the port is not complete yet');
        assert.deepEqual(detector.push('91\nType \'dlv help\' for list of commands.\n', 'stdout'), { host: '127.0.0.1', port: 38291 });
        assert.deepEqual(detector.address, { host: '127.0.0.1', port: 38291 });
    });

    it('should find the address on stderr, with stdout interleaved in the middle of its line', () => {
        const detector = new ListeningDetector();
        assert.equal(detector.push('API server listening at: 127.0.0.1:1\nhalf a stdout li', 'stdout'), undefined);
        assert.equal(detector.push('DAP server list', 'stderr'), undefined);
        assert.equal(detector.push('ne, then more\n', 'stdout'), undefined);
        assert.deepEqual(detector.push('ening at: 127.0.0.1:40000\n', 'stderr'), { host: '127.0.0.1', port: 40000 });
    });

    it('should keep nothing once found, however much dlv writes after', () => {
        const detector = new ListeningDetector();
        flood(detector, 'stderr', 256 * 1024, 4096);
        assert.deepEqual(detector.push('DAP server listening at: 127.0.0.1:4567\nHello', 'stdout'), { host: '127.0.0.1', port: 4567 });
        assert.equal(detector.heldChars, 0);
        flood(detector, 'stdout', 16 * MiB, 64 * 1024);
        flood(detector, 'stderr', 16 * MiB, 64 * 1024);
        assert.equal(detector.push('DAP server listening at: 127.0.0.1:9\n', 'stdout'), undefined, 'only the first address counts');
        assert.equal(detector.heldChars, 0);
        assert.equal(detector.output, '');
        assert.deepEqual(detector.address, { host: '127.0.0.1', port: 4567 });
    });

    it('should keep only a bounded tail of the output while it waits, to say why dlv did not start', () => {
        const detector = new ListeningDetector();
        // Many small chunks: trimming the kept text on every one of them would be quadratic.
        flood(detector, 'stdout', 8 * MiB, 100);
        flood(detector, 'stderr', 8 * MiB, 64 * 1024);
        assert.ok(detector.heldChars <= 6 * KEPT_OUTPUT_LIMIT, `holds ${detector.heldChars} characters`);
        assert.ok(detector.push('could not launch process: not an executable file\n', 'stderr') === undefined);
        const output = detector.output;
        assert.equal(output.length, KEPT_OUTPUT_LIMIT + 1);
        assert.ok(output.startsWith('…'));
        assert.ok(output.endsWith('could not launch process: not an executable file\n'));
    });

    it('should keep all of a short output whole', () => {
        const detector = new ListeningDetector();
        detector.push('Build Error: go build: exit status 1\n', 'stderr');
        assert.equal(detector.output, 'Build Error: go build: exit status 1\n');
    });

    it('should bound a line that never ends and still find the address after it', () => {
        const detector = new ListeningDetector();
        const noise = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 64; i++) {
            detector.push(noise, 'stdout');
        }
        assert.ok(detector.heldChars <= 6 * KEPT_OUTPUT_LIMIT, `holds ${detector.heldChars} characters`);
        assert.deepEqual(detector.push('\nDAP server listening at: 127.0.0.1:5000\n', 'stdout'), { host: '127.0.0.1', port: 5000 });
    });
});

describe('startDlvDap', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-dlv-process-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    // A stand-in for dlv: node, told by FAKE_DLV what to write.
    const fakeDlv = path.join(tmp, 'dlv');
    fs.writeFileSync(fakeDlv, `#!${process.execPath}
if (process.env.FAKE_DLV === 'fail') {
    process.stderr.write('could not launch process: not an executable file\\n');
    process.exit(1);
}
process.stderr.write('DAP server listening at: 127.0.0.1:42');
setTimeout(() => {
    process.stderr.write('42\\n');
    process.stdout.write('x'.repeat(1024 * 1024) + '\\n', () => process.stdout.write('done\\n'));
    setInterval(() => undefined, 1000);
}, 50);
`, { mode: 0o755 });

    it('should resolve with the address dlv prints on stderr in two writes that split the port, and pass every byte on', async () => {
        let written = 0;
        let done!: () => void;
        const allWritten = new Promise<void>(r => done = r);
        const dlv = await startDlvDap({
            dlvPath: fakeDlv, cwd: tmp, env: { ...process.env, FAKE_DLV: 'listen' }, onOutput: (text, stream) => {
                written += text.length;
                if (stream === 'stdout' && text.endsWith('done\n')) {
                    done();
                }
            }
        });
        try {
            assert.equal(dlv.host, '127.0.0.1');
            assert.equal(dlv.port, 4242);
            await allWritten;
            assert.equal(written, 'DAP server listening at: 127.0.0.1:4242\n'.length + 1024 * 1024 + 1 + 'done\n'.length);
        } finally {
            await dlv.stop();
        }
        assert.notEqual(dlv.process.signalCode ?? dlv.process.exitCode, null);
    });

    it('should reject with what dlv said when it exits before it listens', async () => {
        await assert.rejects(startDlvDap({ dlvPath: fakeDlv, cwd: tmp, env: { ...process.env, FAKE_DLV: 'fail' } }),
            /dlv exited before it was ready \(exit code 1\): could not launch process: not an executable file$/);
    });
});
