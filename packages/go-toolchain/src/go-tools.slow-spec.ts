import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ToolchainError } from './errors';
import { findGo } from './find-go';
import { ensureTool, pinnedToolPath } from './go-tools';
import { toolchainPins } from './pins';
import { bootstrapToolchain } from './toolchain';

describe('the pinned Go tools', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-go-tools-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('should be installed in the cache and report their pinned versions', async () => {
        const { go, tools } = await bootstrapToolchain(process.env);
        assert.ok(go.path);
        for (const name of ['gopls', 'dlv'] as const) {
            const tool = tools.find(t => t.name === name)!;
            assert.equal(tool.source, 'cache');
            assert.equal(tool.path, pinnedToolPath(name));
            assert.equal(tool.version, toolchainPins().tools[name].version);
        }
    });

    it('should install a missing tool with go install into a fresh cache folder', async () => {
        // Real `go install` through the module proxy; Go's own build cache makes a repeat cheap.
        const env = { ...process.env, WARREN_CACHE_DIR: path.join(tmp, 'cache') };
        const lines: string[] = [];
        const dlv = await ensureTool('dlv', await findGo(env), env, line => lines.push(line));
        assert.equal(dlv.path, path.join(tmp, 'cache', 'tools', `dlv@${toolchainPins().tools.dlv.version}`, 'dlv'));
        assert.equal(dlv.version, toolchainPins().tools.dlv.version);
        assert.ok(lines.some(l => l.startsWith('installing dlv')), lines.join('\n'));
        assert.deepEqual(fs.readdirSync(path.join(tmp, 'cache', 'tools')), [`dlv@${toolchainPins().tools.dlv.version}`], 'no staging folder left behind');
    });

    it('should name the variable when an override points at nothing', async () => {
        const env = { ...process.env, WARREN_GOPLS: path.join(tmp, 'no-such-gopls') };
        await assert.rejects(ensureTool('gopls', await findGo(env), env), (err: ToolchainError) => {
            assert.equal(err.reason, 'tool-missing');
            assert.match(err.message, /WARREN_GOPLS names .*no-such-gopls, which does not run/);
            return true;
        });
    });
});
