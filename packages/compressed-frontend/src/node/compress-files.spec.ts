import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, describe, it } from 'node:test';
import { cacheControlFor } from './cache-policy';
import { compressFiles } from './compress-files';

describe('compressFiles', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-compress-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const js = 'console.log("warren");\n'.repeat(2000);
    fs.mkdirSync(path.join(dir, 'context'));
    fs.writeFileSync(path.join(dir, 'bundle.js'), js);
    fs.writeFileSync(path.join(dir, 'context', 'init.js'), js);
    fs.writeFileSync(path.join(dir, 'tiny.js'), 'x();');
    fs.writeFileSync(path.join(dir, 'font.woff2'), Buffer.alloc(4096, 7));

    it('should write brotli and gzip files that decode to the original, in subfolders too', async () => {
        const stats = await compressFiles(dir);
        assert.equal(stats.files, 2);
        for (const file of ['bundle.js', 'context/init.js']) {
            const full = path.join(dir, file);
            assert.equal(zlib.brotliDecompressSync(fs.readFileSync(`${full}.br`)).toString(), js);
            assert.equal(zlib.gunzipSync(fs.readFileSync(`${full}.gz`)).toString(), js);
        }
        assert.ok(stats.brotliBytes < stats.rawBytes / 10);
    });

    it('should skip files too small or already compressed', () => {
        assert.equal(fs.existsSync(path.join(dir, 'tiny.js.br')), false);
        assert.equal(fs.existsSync(path.join(dir, 'font.woff2.br')), false);
    });

    it('should redo only files changed since the last run', async () => {
        const later = new Date(Date.now() + 5000);
        fs.writeFileSync(path.join(dir, 'bundle.js'), js + '// changed\n');
        fs.utimesSync(path.join(dir, 'bundle.js'), later, later);
        const compressed: string[] = [];
        const stats = await compressFiles(dir, f => compressed.push(f));
        assert.deepEqual(compressed, ['bundle.js']);
        assert.equal(stats.skippedUpToDate, 1);
        assert.match(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'bundle.js.br'))).toString(), /changed/);
    });

    it('should leave no temporary files behind', () => {
        const all = fs.readdirSync(dir, { recursive: true }) as string[];
        assert.deepEqual(all.filter(f => f.includes('.tmp-')), []);
    });
});

describe('cacheControlFor', () => {
    it('should make fixed names revalidate and hashed names immutable', () => {
        assert.equal(cacheControlFor('/app/lib/frontend/bundle.js'), 'no-cache');
        assert.equal(cacheControlFor('/app/lib/frontend/index.html'), 'no-cache');
        assert.equal(cacheControlFor('/app/lib/frontend/codicon.8a1f6b2c4d3e5f60.ttf'), 'public, max-age=31536000, immutable');
    });
});
