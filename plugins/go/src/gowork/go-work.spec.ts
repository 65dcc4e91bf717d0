import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { findModules, generateGoWork } from './go-work';

describe('generateGoWork', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gowork-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const mod = (dir: string, name: string): void => {
        fs.mkdirSync(path.join(tmp, dir), { recursive: true });
        fs.writeFileSync(path.join(tmp, dir, 'go.mod'), `module example.com/${name}\n\ngo 1.26\n`);
    };
    mod('repo/api', 'api');
    mod('repo/services/web', 'web');
    mod('repo/vendor/x', 'x');
    mod('repo/.hidden/y', 'y');
    mod('repo/api/testdata/z', 'z');
    execFileSync('git', ['init', '-q', path.join(tmp, 'repo')]);

    it('should find the modules, skipping vendor, testdata and hidden folders', () => {
        assert.deepEqual(findModules(path.join(tmp, 'repo')), ['api', 'services/web']);
    });

    it('should write go.work with real go and keep it out of git', async () => {
        const root = path.join(tmp, 'repo');
        const result = await generateGoWork(root);
        assert.deepEqual(result.modules, ['api', 'services/web']);
        const work = fs.readFileSync(path.join(root, 'go.work'), 'utf8');
        assert.match(work, /\.\/api/);
        assert.match(work, /\.\/services\/web/);
        assert.match(fs.readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8'), /^\/go\.work$/m);
        const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
        assert.doesNotMatch(status, /go\.work/);
        assert.match(status, /api\/go\.mod/, 'other files still show');
    });

    it('should not overwrite an existing go.work', async () => {
        await assert.rejects(generateGoWork(path.join(tmp, 'repo')), /go\.work already exists/);
    });

    it('should say there is nothing to list without a go.mod', async () => {
        fs.mkdirSync(path.join(tmp, 'empty'));
        await assert.rejects(generateGoWork(path.join(tmp, 'empty')), /No go\.mod was found/);
        assert.equal(fs.existsSync(path.join(tmp, 'empty', 'go.work')), false);
    });
});
