import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO } from '@warren/testing';
import { describeGoFolder } from './go-overview';

/** The welcome page's view of a workspace, from the real go list. */
describe('describeGoFolder', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-overview-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('should name the sample module, its main package and its test', async () => {
        const overview = await describeGoFolder(path.join(REPO, 'examples', 'hello'));
        assert.equal(overview.error, undefined);
        assert.deepEqual(overview.modules, ['example.com/hello']);
        assert.deepEqual(overview.mains, [{ importPath: 'example.com/hello', dir: '.' }]);
        assert.deepEqual(overview.tests.map(t => [t.name, t.file, t.dir]), [['TestGreeting', 'main_test.go', '.']]);
        assert.equal(overview.testCount, 1);
    });

    it('should list commands under cmd/, a library\'s tests and no main for a library', async () => {
        const mod = path.join(tmp, 'mod');
        fs.mkdirSync(path.join(mod, 'cmd', 'tool'), { recursive: true });
        fs.mkdirSync(path.join(mod, 'lib'));
        fs.writeFileSync(path.join(mod, 'go.mod'), 'module example.com/mod\n\ngo 1.22\n');
        fs.writeFileSync(path.join(mod, 'cmd', 'tool', 'main.go'), 'package main\n\nfunc main() {}\n');
        fs.writeFileSync(path.join(mod, 'lib', 'lib.go'), 'package lib\n\nfunc Two() int { return 2 }\n');
        fs.writeFileSync(path.join(mod, 'lib', 'lib_test.go'), 'package lib\n\nimport "testing"\n\nfunc TestTwo(t *testing.T) {}\n\nfunc BenchmarkTwo(b *testing.B) {}\n\nfunc helper(t *testing.T) {}\n');
        fs.writeFileSync(path.join(mod, 'lib', 'x_test.go'), 'package lib_test\n\nimport "testing"\n\nfunc TestOutside(t *testing.T) {}\n');
        const overview = await describeGoFolder(mod);
        assert.deepEqual(overview.mains, [{ importPath: 'example.com/mod/cmd/tool', dir: path.join('cmd', 'tool') }]);
        assert.deepEqual(overview.tests.map(t => t.name), ['TestTwo', 'TestOutside']);
    });

    it('should say go\'s reason for a folder that is not a module', async () => {
        const overview = await describeGoFolder(tmp);
        assert.match(overview.error ?? '', /go\.mod file not found|does not contain main module/);
        assert.deepEqual(overview.mains, []);
    });
});
