import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ToolchainError } from './errors';
import { findGo } from './find-go';
import { compareGoVersions, parseGoVersion } from './go-version';
import { toolchainPins } from './pins';

describe('findGo', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-find-go-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('should find the real go on PATH and check its version', async () => {
        const go = await findGo(process.env);
        assert.ok(fs.existsSync(go.path), go.path);
        assert.ok(compareGoVersions(go.version, parseGoVersion(toolchainPins().go.minimum)!) >= 0);
        assert.ok(fs.existsSync(path.join(go.goroot, 'bin')), `GOROOT ${go.goroot}`);
    });

    it('should say how to install Go when it is not on PATH', async () => {
        const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
        await assert.rejects(findGo({ PATH: empty }), (err: ToolchainError) => {
            assert.equal(err.reason, 'go-missing');
            assert.match(err.message, /Go was not found on PATH/);
            assert.match(err.message, /https:\/\/go\.dev\/dl\//);
            return true;
        });
    });

    it('should refuse a Go older than the minimum and name both versions', async () => {
        // A stand-in for an old Go release, which cannot be installed on this machine: it answers
        // `go env GOVERSION GOROOT` the way go1.20 does.
        const bin = fs.mkdtempSync(path.join(tmp, 'old-go-'));
        fs.writeFileSync(path.join(bin, 'go'), '#!/bin/sh\necho go1.20.14\necho /usr/lib/go-1.20\n', { mode: 0o755 });
        await assert.rejects(findGo({ PATH: bin }), (err: ToolchainError) => {
            assert.equal(err.reason, 'go-too-old');
            assert.match(err.message, /Go 1\.20\.14, older than the Go \d+\.\d+/);
            return true;
        });
    });

    it('should report a go that does not run', async () => {
        const bin = fs.mkdtempSync(path.join(tmp, 'broken-go-'));
        fs.writeFileSync(path.join(bin, 'go'), '#!/bin/sh\necho "cannot find GOROOT" >&2\nexit 2\n', { mode: 0o755 });
        await assert.rejects(findGo({ PATH: bin }), (err: ToolchainError) => {
            assert.equal(err.reason, 'go-broken');
            assert.match(err.message, /cannot find GOROOT/);
            return true;
        });
    });
});
