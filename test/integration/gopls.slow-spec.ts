import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hover, Location, LocationLink, MarkupContent } from 'vscode-languageserver-protocol';
import { goplsLaunch } from 'warren-go/lib/gopls/gopls-launch';
import { computeMemoryLimit } from 'warren-go/lib/gopls/memory-limit';
import { LspClient, REPO } from '@warren/testing';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'gopls');
const GiB = 1024 ** 3;

/** The real gopls, started exactly as plugins/go starts it (goplsLaunch), on fixture modules. */
async function startGopls(fixture: string, tmp: string): Promise<LspClient> {
    const root = path.join(tmp, fixture);
    fs.cpSync(path.join(FIXTURES, fixture), root, { recursive: true });
    const memory = computeMemoryLimit({ setting: 'auto', cgroupLimitBytes: 2 * GiB, totalMemoryBytes: 24 * GiB });
    const launch = goplsLaunch({ path: '', flags: [], toolsEnvVars: { GOPROXY: 'off' } }, memory, { ...process.env, GOMEMLIMIT: '' });
    return LspClient.start(launch.command, launch.args, launch.env, root);
}

function targetOf(result: Location | Location[] | LocationLink[] | null): string {
    const first = Array.isArray(result) ? result[0] : result;
    assert.ok(first, 'a definition');
    return 'targetUri' in first ? first.targetUri : first.uri;
}

describe('gopls through the plugin\'s launch set-up', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gopls-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe('a single module over two files', () => {
        let gopls: LspClient;
        before(async () => { gopls = await startGopls('single', tmp); });
        after(async () => { await gopls?.stop(); });

        it('should run gopls with the computed GOMEMLIMIT and the settings\' Go environment', () => {
            const environ = fs.readFileSync(`/proc/${gopls.process.pid}/environ`, 'utf8').split('\0');
            assert.ok(environ.includes('GOMEMLIMIT=1024MiB'), 'half of a 2 GiB container');
            assert.ok(environ.includes('GOPROXY=off'), 'go.toolsEnvVars reaches gopls');
        });

        it('should publish no errors for code that compiles', async () => {
            await gopls.open('main.go');
            await gopls.diagnosticsFor('main.go', d => d.length === 0);
        });

        it('should hover with documentation', async () => {
            const hover = await gopls.connection.sendRequest('textDocument/hover', {
                textDocument: { uri: gopls.uri('main.go') }, position: gopls.position('main.go', 'Shout(', 1)
            }) as Hover;
            assert.match((hover.contents as MarkupContent).value, /func Shout\(s string\) string/);
            assert.match((hover.contents as MarkupContent).value, /returns s in upper case/);
        });

        it('should go to a definition in another file', async () => {
            const result = await gopls.connection.sendRequest('textDocument/definition', {
                textDocument: { uri: gopls.uri('main.go') }, position: gopls.position('main.go', 'Shout(', 1)
            }) as Location[];
            assert.equal(targetOf(result), gopls.uri('shout.go'));
        });

        it('should show a compile error as you type, and clear it', async () => {
            const text = fs.readFileSync(path.join(gopls.root, 'main.go'), 'utf8');
            await gopls.change('main.go', text.replace('Shout("hello")', 'Shout(42)'));
            const errors = await gopls.diagnosticsFor('main.go', d => d.length > 0);
            assert.match(errors[0].message, /cannot use 42/);
            await gopls.change('main.go', text);
            await gopls.diagnosticsFor('main.go', d => d.length === 0);
        });

        it('should rename across files', async () => {
            const edit = await gopls.connection.sendRequest('textDocument/rename', {
                textDocument: { uri: gopls.uri('shout.go') }, position: gopls.position('shout.go', 'func Shout', 5), newName: 'Yell'
            }) as { documentChanges?: Array<{ textDocument: { uri: string } }> };
            const files = (edit.documentChanges ?? []).map(c => c.textDocument.uri).sort();
            assert.deepEqual(files, [gopls.uri('main.go'), gopls.uri('shout.go')].sort());
        });
    });

    describe('a go.work with two modules', () => {
        let gopls: LspClient;
        before(async () => { gopls = await startGopls('work', tmp); });
        after(async () => { await gopls?.stop(); });

        it('should resolve the other module through go.work', async () => {
            await gopls.open('a/main.go');
            await gopls.diagnosticsFor('a/main.go', d => d.length === 0);
            const result = await gopls.connection.sendRequest('textDocument/definition', {
                textDocument: { uri: gopls.uri('a/main.go') }, position: gopls.position('a/main.go', 'b.Hello', 3)
            }) as Location[];
            assert.equal(targetOf(result), gopls.uri('b/b.go'));
        });
    });

    describe('a module with a compile error', () => {
        let gopls: LspClient;
        before(async () => { gopls = await startGopls('broken', tmp); });
        after(async () => { await gopls?.stop(); });

        it('should report the error where it is', async () => {
            await gopls.open('main.go');
            const errors = await gopls.diagnosticsFor('main.go', d => d.length > 0);
            assert.match(errors[0].message, /undefined: undefinedName/);
            assert.equal(errors[0].range.start.line, 3);
        });
    });
});
