import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkConfiguration, dlvRequestArguments, GoDebugConfiguration, parseEnvFile } from './launch-config';

describe('checkConfiguration', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-launch-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const base: GoDebugConfiguration = { type: 'go', request: 'launch', name: 't', program: tmp };

    it('should accept a plain launch of an existing package', () => {
        assert.deepEqual(checkConfiguration(base), []);
    });

    const cases: Array<[string, Partial<GoDebugConfiguration>, RegExp]> = [
        ['a missing program', { program: undefined }, /"program" is missing/],
        ['a program that does not exist', { program: path.join(tmp, 'nope') }, /"program": .*nope does not exist/],
        ['an unknown launch mode', { mode: 'remote' }, /"mode": "remote" cannot be launched/],
        ['a missing envFile', { envFile: path.join(tmp, '.env') }, /"envFile": .*\.env does not exist/],
        ['args that are not strings', { args: [1 as unknown as string] }, /"args" must be a list of strings/],
        ['a core dump that is not there', { mode: 'core', coreFilePath: path.join(tmp, 'core') }, /"coreFilePath": .*core does not exist/]
    ];
    for (const [what, change, message] of cases) {
        it(`should explain ${what}`, () => {
            assert.match(checkConfiguration({ ...base, ...change }).join(' '), message);
        });
    }

    it('should check the process of a local attach', () => {
        const attach: GoDebugConfiguration = { type: 'go', request: 'attach', name: 'a', mode: 'local' };
        assert.match(checkConfiguration({ ...attach, processId: 'abc' }).join(), /"processId": "abc" is not a process id/);
        assert.match(checkConfiguration({ ...attach, processId: 4242 }, () => 'no').join(), /There is no process with id 4242/);
        assert.match(checkConfiguration({ ...attach, processId: 1 }, () => 'not-permitted').join(), /may not be traced/);
        assert.deepEqual(checkConfiguration({ ...attach, processId: process.pid }), []);
    });

    it('should need a port for a remote attach', () => {
        assert.match(checkConfiguration({ type: 'go', request: 'attach', name: 'r', mode: 'remote' }).join(), /"port": undefined is not a TCP port/);
        assert.deepEqual(checkConfiguration({ type: 'go', request: 'attach', name: 'r', mode: 'remote', port: 2345 }), []);
    });
});

describe('parseEnvFile and dlvRequestArguments', () => {
    it('should read KEY=VALUE lines with comments, quotes and export', () => {
        assert.deepEqual(parseEnvFile('# comment\nA=1\nexport B="two words"\nC=\'x=y\'\n\nnot a line\nD="a\\nb"'),
            { A: '1', B: 'two words', C: 'x=y', D: 'a\nb' });
    });

    it('should merge envFile under env and fill in the mode', () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-env-'));
        try {
            fs.writeFileSync(path.join(tmp, '.env'), 'A=file\nB=file\n');
            const { args, dlvCwd } = dlvRequestArguments({ type: 'go', request: 'launch', name: 'x', program: tmp, envFile: path.join(tmp, '.env'), env: { B: 'env' } });
            assert.deepEqual(args.env, { A: 'file', B: 'env' });
            assert.equal(args.mode, 'debug');
            assert.equal(args.envFile, undefined);
            assert.equal(dlvCwd, tmp);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
