import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { seedWorkspace } from './seed-workspace';

describe('seedWorkspace', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-seed-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const template = path.join(tmp, 'template');
    fs.mkdirSync(path.join(template, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(template, 'go.mod'), 'module hello\n');
    fs.writeFileSync(path.join(template, 'sub', 'a.go'), 'package sub\n');

    it('should copy the template into a workspace folder that does not exist, parents included', () => {
        const workspace = path.join(tmp, 'home', 'workspace');
        assert.equal(seedWorkspace(workspace, template), true);
        assert.equal(fs.readFileSync(path.join(workspace, 'go.mod'), 'utf8'), 'module hello\n');
        assert.equal(fs.readFileSync(path.join(workspace, 'sub', 'a.go'), 'utf8'), 'package sub\n');
        assert.deepEqual(fs.readdirSync(path.dirname(workspace)), ['workspace']);
    });

    it('should leave an existing folder alone, even an empty one', () => {
        const workspace = path.join(tmp, 'empty');
        fs.mkdirSync(workspace);
        assert.equal(seedWorkspace(workspace, template), false);
        assert.deepEqual(fs.readdirSync(workspace), []);
    });

    it('should say which template is missing', () => {
        assert.throws(() => seedWorkspace(path.join(tmp, 'new'), path.join(tmp, 'nope')), /template .*nope does not exist/);
        assert.equal(fs.existsSync(path.join(tmp, 'new')), false);
    });
});
