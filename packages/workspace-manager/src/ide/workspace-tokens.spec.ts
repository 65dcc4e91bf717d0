import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceTokens, writeSecretFile } from './workspace-tokens';

describe('the workspace key', () => {
    const dir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'warren-key-'));

    it('should be made once, 0600, and read back the same on the next start', () => {
        const file = path.join(dir(), 'gateway-key');
        const first = WorkspaceTokens.fromFile(file);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        const again = WorkspaceTokens.fromFile(file);
        assert.equal(again.token('t', 'w'), first.token('t', 'w'));
        assert.deepEqual(again.verify(first.token('t', 'w')), { tenant: 't', id: 'w' });
        assert.equal(again.ideSecret('t', 'w'), first.ideSecret('t', 'w'));
        assert.notEqual(first.ideSecret('t', 'w'), first.ideSecret('t2', 'w'), 'each workspace has its own IDE secret');
    });

    it('should replace a key an interrupted start left empty or short, and say so', () => {
        for (const broken of ['', 'abc123', 'not hex at all, but long enough to pass a length check only.........']) {
            const file = path.join(dir(), 'gateway-key');
            fs.writeFileSync(file, broken);
            const warnings: string[] = [];
            const tokens = WorkspaceTokens.fromFile(file, w => warnings.push(w));
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /held no valid key .*made a new one/);
            assert.match(fs.readFileSync(file, 'utf8'), /^[0-9a-f]{64}$/);
            assert.ok(tokens.verify(tokens.token('t', 'w')));
        }
    });

    it('should leave no temporary file and no half-written key when the write fails', () => {
        const parent = dir();
        const file = path.join(parent, 'sub', 'gateway-key');
        fs.writeFileSync(path.join(parent, 'sub'), 'a file where the folder should be');
        assert.throws(() => writeSecretFile(file, 'k'), /cannot write .*gateway-key.*Free some disk space or fix/);
        assert.deepEqual(fs.readdirSync(parent), ['sub']);
    });

    it('should leave no 0-byte key on a full disk, and make one on the next start once there is room', { skip: process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs' : false }, () => {
        const disk = dir();
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', disk]);
        try {
            const filler = path.join(disk, 'filler');
            assert.throws(() => fs.writeFileSync(filler, Buffer.alloc(64 * 1024)), /ENOSPC/);
            const file = path.join(disk, 'gateway-key');
            assert.throws(() => WorkspaceTokens.fromFile(file), /cannot write .*gateway-key: ENOSPC.*Free some disk space/);
            assert.deepEqual(fs.readdirSync(disk), ['filler'], 'no key and no temporary file');
            fs.rmSync(filler);
            assert.ok(WorkspaceTokens.fromFile(file).verify(WorkspaceTokens.fromFile(file).token('t', 'w')));
        } finally {
            execFileSync('umount', [disk]);
        }
    });
});
