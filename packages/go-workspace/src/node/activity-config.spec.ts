import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDE_ENV } from '@warren/workspace-api/lib/ide-contract';
import { readActivityConfig, takeActivityConfig } from './activity-config';

describe('readActivityConfig', () => {
    it('should be off, and not misconfigured, without Warren', () => {
        const config = readActivityConfig({ WARREN_WORKSPACE: 'team-a/hello' });
        assert.equal(config.enabled, false);
        assert.equal(config.enabled === false && config.misconfigured, false);
    });

    it('should read every variable, with defaults for the optional ones', () => {
        assert.deepEqual(readActivityConfig({ WARREN_ACTIVITY_URL: 'http://127.0.0.1:7090/', WARREN_WORKSPACE_TOKEN: 's3cret' }), {
            enabled: true, activityUrl: 'http://127.0.0.1:7090', token: 's3cret', workspace: '(unnamed workspace)', heartbeatSeconds: 60
        });
        assert.deepEqual(readActivityConfig({
            WARREN_ACTIVITY_URL: 'https://manager.example', WARREN_WORKSPACE_TOKEN: 't', WARREN_WORKSPACE: 'team-a/hello', WARREN_HEARTBEAT_SECONDS: '1.5'
        }), { enabled: true, activityUrl: 'https://manager.example', token: 't', workspace: 'team-a/hello', heartbeatSeconds: 1.5 });
    });

    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
        ['a token without a URL', { WARREN_WORKSPACE_TOKEN: 't' }, /WARREN_ACTIVITY_URL is not/],
        ['a URL without a token', { WARREN_ACTIVITY_URL: 'http://manager' }, /WARREN_WORKSPACE_TOKEN is not/],
        ['a URL that is not http', { WARREN_ACTIVITY_URL: 'manager:7090', WARREN_WORKSPACE_TOKEN: 't' }, /not an http:\/\/ or https:\/\/ URL/],
        ['a zero heartbeat', { WARREN_ACTIVITY_URL: 'http://manager', WARREN_WORKSPACE_TOKEN: 't', WARREN_HEARTBEAT_SECONDS: '0' }, /"0" is not a positive/],
        ['a heartbeat that is not a number', { WARREN_ACTIVITY_URL: 'http://manager', WARREN_WORKSPACE_TOKEN: 't', WARREN_HEARTBEAT_SECONDS: '1m' }, /"1m" is not/]
    ];
    for (const [what, env, message] of cases) {
        it(`should be off and say why for ${what}`, () => {
            const config = readActivityConfig(env);
            assert.ok(!config.enabled && config.misconfigured, JSON.stringify(config));
            assert.match(config.reason, message);
        });
    }

    it('should read the variable names of the contract', () => {
        assert.deepEqual(IDE_ENV, {
            activityUrl: 'WARREN_ACTIVITY_URL', token: 'WARREN_WORKSPACE_TOKEN', secret: 'WARREN_IDE_SECRET', workspace: 'WARREN_WORKSPACE',
            heartbeatSeconds: 'WARREN_HEARTBEAT_SECONDS', credentialSocket: 'WARREN_CREDENTIAL_SOCKET'
        });
        const config = readActivityConfig({
            [IDE_ENV.activityUrl]: 'http://manager', [IDE_ENV.token]: 't', [IDE_ENV.workspace]: 'team-a/hello', [IDE_ENV.heartbeatSeconds]: '5'
        });
        assert.deepEqual(config, { enabled: true, activityUrl: 'http://manager', token: 't', workspace: 'team-a/hello', heartbeatSeconds: 5 });
    });

    it('should say that WARREN_GATEWAY_URL is no longer read when it is set instead of WARREN_ACTIVITY_URL', () => {
        const config = readActivityConfig({ WARREN_GATEWAY_URL: 'http://gateway', WARREN_WORKSPACE_TOKEN: 't' });
        assert.ok(!config.enabled && config.misconfigured);
        assert.match(config.reason, /WARREN_ACTIVITY_URL is not, so heartbeats cannot reach the workspace manager/);
        assert.match(config.reason, /WARREN_GATEWAY_URL is set, but heartbeats no longer go to the gateway: set WARREN_ACTIVITY_URL/);
    });

    it('should name every problem at once', () => {
        const config = readActivityConfig({ WARREN_ACTIVITY_URL: 'nope', WARREN_HEARTBEAT_SECONDS: '-1' });
        assert.ok(!config.enabled);
        assert.match(config.reason, /not an http.*WARREN_WORKSPACE_TOKEN is not.*"-1"/);
    });
});

describe('takeActivityConfig', () => {
    it('should remove the token from the environment that children inherit', () => {
        const env: NodeJS.ProcessEnv = { WARREN_ACTIVITY_URL: 'http://manager', WARREN_WORKSPACE_TOKEN: 't', PATH: '/bin' };
        assert.equal(takeActivityConfig(env).enabled, true);
        assert.deepEqual(env, { WARREN_ACTIVITY_URL: 'http://manager', PATH: '/bin' });
    });
});
