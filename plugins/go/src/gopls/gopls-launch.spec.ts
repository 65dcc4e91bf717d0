import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { goplsLaunch } from './gopls-launch';

describe('goplsLaunch', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-gopls-launch-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const memory = { gomemlimit: '512MiB', reason: 'test' };

    it('should use the pinned gopls with flags, the Go environment and GOMEMLIMIT', () => {
        const launch = goplsLaunch({ path: '', flags: ['-rpc.trace'], toolsEnvVars: { GOPROXY: 'off' } }, memory, { ...process.env, GOMEMLIMIT: '' });
        assert.match(launch.command, /gopls@v[\d.]+\/gopls$/);
        assert.deepEqual(launch.args, ['-rpc.trace']);
        assert.equal(launch.env.GOPROXY, 'off');
        assert.equal(launch.env.GOMEMLIMIT, '512MiB');
    });

    it('should keep a GOMEMLIMIT the environment already has', () => {
        const launch = goplsLaunch({ path: '', flags: [], toolsEnvVars: {} }, memory, { ...process.env, GOMEMLIMIT: '1GiB' });
        assert.equal(launch.env.GOMEMLIMIT, '1GiB');
    });

    it('should say how to fix a missing gopls', () => {
        assert.throws(() => goplsLaunch({ path: '', flags: [], toolsEnvVars: {} }, memory, { ...process.env, WARREN_CACHE_DIR: tmp }),
            /gopls was not found at .*gopls@v[\d.]+\/gopls\. Run "scripts\/start\.sh"/);
        assert.throws(() => goplsLaunch({ path: path.join(tmp, 'nope'), flags: [], toolsEnvVars: {} }, memory),
            /go\.languageServer\.path names .*nope, which is not an executable file/);
        assert.throws(() => goplsLaunch({ path: '', flags: [], toolsEnvVars: {} }, memory, { ...process.env, WARREN_GOPLS: path.join(tmp, 'nope') }),
            /WARREN_GOPLS names .*nope, which is not an executable file/);
    });

    it('should refuse flags that are not a list of strings', () => {
        assert.throws(() => goplsLaunch({ path: '', flags: '-rpc.trace', toolsEnvVars: {} }, memory), /must be a list of strings/);
    });
});
