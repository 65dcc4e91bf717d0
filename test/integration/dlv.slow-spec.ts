import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { freePort } from '@warren/ide-launcher';
import { toolPath } from '@warren/go-toolchain';
import { GoDebugConfiguration } from 'warren-go/lib/debug/launch-config';
import { DapClient, REPO } from '@warren/testing';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'dlv');
const DLV = toolPath('dlv').path;

/** The real dlv dap, driven through the plugin's debug session (what its adapter factory starts). */
describe('dlv through the plugin\'s debug session', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-dlv-'));
    const copy = (fixture: string): string => {
        const dir = path.join(tmp, `${fixture}-${Math.random().toString(36).slice(2, 8)}`);
        fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
        return dir;
    };
    const lineOf = (file: string, needle: string): number => fs.readFileSync(file, 'utf8').split('\n').findIndex(l => l.includes(needle)) + 1;
    let client: DapClient | undefined;

    afterEach(async () => {
        await client?.dispose();
        client = undefined;
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** initialize, launch or attach (as the configuration's request says), breakpoints, configurationDone: the IDE's order. */
    async function begin(configuration: GoDebugConfiguration, breakpoints: Array<{ line: number; condition?: string; logMessage?: string }>, file: string): Promise<DapClient> {
        client = await DapClient.start({ configuration, dlvPath: DLV, env: process.env });
        await client.ok('initialize', { adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: false });
        const launched = client.request(configuration.request, configuration);
        await client.event('initialized');
        const set = await client.ok('setBreakpoints', { source: { path: file }, breakpoints });
        assert.ok(set.body.breakpoints.every((b: { verified: boolean }) => b.verified), JSON.stringify(set.body));
        await client.ok('configurationDone');
        const response = await launched;
        assert.ok(response.success, response.message);
        return client;
    }

    it('should stop at a breakpoint, show the stack and variables, step, evaluate and run to the end', async () => {
        const dir = copy('loop');
        const main = path.join(dir, 'main.go');
        const line = lineOf(main, 'fmt.Println("hello,", name)');
        const c = await begin({ type: 'go', request: 'launch', name: 'loop', mode: 'debug', program: dir }, [{ line }], main);
        const stopped = await c.event('stopped', e => e.body.reason === 'breakpoint');
        const stack = await c.ok('stackTrace', { threadId: stopped.body.threadId, startFrame: 0, levels: 20 });
        const top = stack.body.stackFrames[0];
        assert.equal(top.line, line);
        assert.equal(top.name, 'main.main');
        const scopes = await c.ok('scopes', { frameId: top.id });
        const locals = await c.ok('variables', { variablesReference: scopes.body.scopes[0].variablesReference });
        const byName = Object.fromEntries(locals.body.variables.map((v: { name: string; value: string }) => [v.name, v]));
        assert.equal(byName.name.value, '"gopher"');
        // A struct is expanded on demand, map included.
        // Theia asks for a scope's children with filter "indexed" and no count: that must work too.
        const asTheia = await c.ok('variables', { variablesReference: scopes.body.scopes[0].variablesReference, filter: 'indexed', start: 0 });
        assert.ok(asTheia.body.variables.some((v: { name: string }) => v.name === 'name'));
        const p = await c.ok('variables', { variablesReference: byName.p.variablesReference });
        assert.deepEqual(p.body.variables.map((v: { name: string }) => v.name), ['X', 'Y', 'Tags']);
        const evaluated = await c.ok('evaluate', { expression: 'p.X + p.Y', frameId: top.id, context: 'repl' });
        assert.equal(evaluated.body.result, '3');

        const before = c.events.length;
        await c.ok('next', { threadId: stopped.body.threadId });
        const stepped = await c.event('stopped', e => e.body.reason === 'step', 30_000, before);
        const after = await c.ok('stackTrace', { threadId: stepped.body.threadId, startFrame: 0, levels: 1 });
        assert.equal(after.body.stackFrames[0].line, line + 1);

        await c.ok('continue', { threadId: stepped.body.threadId });
        await c.event('terminated');
        assert.match(c.output(), /hello, gopher/, 'the program\'s stdout reaches the debug console');
        assert.match(c.output(), /to stderr/);
        assert.match(c.output(), /sum: 10 1/);
    });

    it('should stop only where a condition holds', async () => {
        const dir = copy('loop');
        const main = path.join(dir, 'main.go');
        const c = await begin({ type: 'go', request: 'launch', name: 'cond', program: dir }, [{ line: lineOf(main, '// loop body'), condition: 'i == 3' }], main);
        const stopped = await c.event('stopped', e => e.body.reason === 'breakpoint');
        const top = (await c.ok('stackTrace', { threadId: stopped.body.threadId, levels: 1 })).body.stackFrames[0];
        assert.equal((await c.ok('evaluate', { expression: 'i', frameId: top.id })).body.result, '3');
        assert.equal((await c.ok('evaluate', { expression: 'total', frameId: top.id })).body.result, '3');
    });

    it('should log at a logpoint without stopping', async () => {
        const dir = copy('loop');
        const main = path.join(dir, 'main.go');
        const c = await begin({ type: 'go', request: 'launch', name: 'log', program: dir }, [{ line: lineOf(main, '// loop body'), logMessage: 'i is {i}' }], main);
        await c.event('terminated');
        for (let i = 0; i < 5; i++) {
            assert.match(c.output(), new RegExp(`i is ${i}`));
        }
        assert.equal(c.events.filter(e => e.event === 'stopped').length, 0);
    });

    it('should debug a test function', async () => {
        const dir = copy('loop');
        const test = path.join(dir, 'main_test.go');
        const c = await begin({ type: 'go', request: 'launch', name: 'test', mode: 'test', program: dir, args: ['-test.run', '^TestSum$'] },
            [{ line: lineOf(test, 'if got != 6') }], test);
        const stopped = await c.event('stopped', e => e.body.reason === 'breakpoint');
        const top = (await c.ok('stackTrace', { threadId: stopped.body.threadId, levels: 1 })).body.stackFrames[0];
        assert.equal(top.name, 'loop.TestSum');
        assert.equal((await c.ok('evaluate', { expression: 'got', frameId: top.id })).body.result, '6');
    });

    it('should show the compiler\'s errors when the program does not build, and end cleanly', async () => {
        const dir = copy('broken');
        client = await DapClient.start({ configuration: { type: 'go', request: 'launch', name: 'broken', program: dir }, dlvPath: DLV, env: process.env });
        await client.ok('initialize', { adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        const response = await client.request('launch', { type: 'go', request: 'launch', name: 'broken', program: dir });
        assert.equal(response.success, false);
        assert.match(JSON.stringify(response.body), /Build error/);
        // dlv puts the compiler's own words in the debug console.
        await client.event('output', e => /undefined: notDeclared/.test(e.body.output), 10_000);
        await client.request('disconnect', {}, 10_000).catch(() => undefined);
        await client.event('terminated', undefined, 15_000);
    });

    it('should say dlv\'s reason when a launch fails: a library package is not a program', async () => {
        const dir = copy('library');
        client = await DapClient.start({ configuration: { type: 'go', request: 'launch', name: 'library', program: dir }, dlvPath: DLV, env: process.env });
        await client.ok('initialize', { adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        const response = await client.request('launch', { type: 'go', request: 'launch', name: 'library', program: dir });
        assert.equal(response.success, false);
        // The message, which the IDE shows in its notification, carries dlv's words, and so does the Debug Console.
        // (dlv's own message is "Failed to launch <dir>", without the reason.)
        assert.match(response.message, /^Failed to launch \S+: could not launch process: not an executable file$/, response.message);
        await client.event('output', e => e.body.category === 'stderr' && e.body.output === `${response.message}\n`, 10_000);
        await client.request('disconnect', {}, 10_000).catch(() => undefined);
        await client.event('terminated', undefined, 15_000);
    });

    it('should attach to a running process by its id', async () => {
        const dir = copy('sleeper');
        const bin = path.join(dir, 'sleeper');
        execFileSync('go', ['build', '-gcflags=all=-N -l', '-o', bin, '.'], { cwd: dir });
        const target = spawn(bin, [], { stdio: 'ignore' });
        try {
            const main = path.join(dir, 'main.go');
            const c = await begin({ type: 'go', request: 'attach', name: 'attach', mode: 'local', processId: target.pid! }, [{ line: lineOf(main, '// tick body') }], main);
            const stopped = await c.event('stopped', e => e.body.reason === 'breakpoint');
            const top = (await c.ok('stackTrace', { threadId: stopped.body.threadId, levels: 1 })).body.stackFrames[0];
            assert.equal(top.name, 'main.tick');
            assert.match((await c.ok('evaluate', { expression: 'n', frameId: top.id })).body.result, /^\d+$/);
            await c.ok('disconnect', { terminateDebuggee: false });
        } finally {
            target.kill('SIGKILL');
        }
    });

    it('should attach to a headless dlv on host:port', async () => {
        const dir = copy('loop');
        const main = path.join(dir, 'main.go');
        const port = await freePort();
        const headless = spawn(DLV, ['debug', '--headless', `--listen=127.0.0.1:${port}`, '--accept-multiclient', '--api-version=2', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        try {
            await new Promise<void>((resolve, reject) => {
                let seen = '';
                const onData = (c: Buffer): void => { seen += c; if (/listening at/.test(seen)) { resolve(); } };
                headless.stdout!.on('data', onData);
                headless.stderr!.on('data', onData);
                headless.once('exit', code => reject(new Error(`headless dlv exited (${code}): ${seen}`)));
            });
            const c = await begin({ type: 'go', request: 'attach', name: 'remote', mode: 'remote', host: '127.0.0.1', port }, [{ line: lineOf(main, '// loop body') }], main);
            // configurationDone lets the halted program run on to the breakpoint.
            const stopped = await c.event('stopped', e => e.body.reason === 'breakpoint');
            const top = (await c.ok('stackTrace', { threadId: stopped.body.threadId, levels: 1 })).body.stackFrames[0];
            assert.equal(top.name, 'main.sum');
            await c.ok('disconnect', { terminateDebuggee: true });
        } finally {
            headless.kill('SIGKILL');
        }
    });

    it('should say how to fix a missing dlv', async () => {
        await assert.rejects(DapClient.start({ configuration: { type: 'go', request: 'launch', name: 'x', program: tmp }, dlvPath: path.join(tmp, 'no-dlv'), env: process.env }),
            /dlv was not found at .*no-dlv\. Run "scripts\/start\.sh"/);
    });

    it('should say how to start a remote dlv when nothing listens there', async () => {
        const port = await freePort();
        await assert.rejects(DapClient.start({ configuration: { type: 'go', request: 'attach', name: 'remote', mode: 'remote', host: '127.0.0.1', port }, dlvPath: DLV, env: process.env }),
            new RegExp(`Could not connect to dlv at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Start it there with "dlv dap --listen=127\\.0\\.0\\.1:${port}"`));
    });
});
