import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readActivityConfig, takeActivityConfig } from './activity-config';

describe('readActivityConfig', () => {
    it('should be off, and not misconfigured, without Warren', () => {
        const config = readActivityConfig({ WARREN_WORKSPACE: 'team-a/hello' });
        assert.equal(config.enabled, false);
        assert.equal(config.enabled === false && config.misconfigured, false);
    });

    it('should read every variable, with defaults for the optional ones', () => {
        assert.deepEqual(readActivityConfig({ WARREN_GATEWAY_URL: 'http://127.0.0.1:7080/', WARREN_WORKSPACE_TOKEN: 's3cret' }), {
            enabled: true, gatewayUrl: 'http://127.0.0.1:7080', token: 's3cret', workspace: '(unnamed workspace)', heartbeatSeconds: 60
        });
        assert.deepEqual(readActivityConfig({
            WARREN_GATEWAY_URL: 'https://gw.example', WARREN_WORKSPACE_TOKEN: 't', WARREN_WORKSPACE: 'team-a/hello', WARREN_HEARTBEAT_SECONDS: '1.5'
        }), { enabled: true, gatewayUrl: 'https://gw.example', token: 't', workspace: 'team-a/hello', heartbeatSeconds: 1.5 });
    });

    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
        ['a token without a URL', { WARREN_WORKSPACE_TOKEN: 't' }, /WARREN_GATEWAY_URL is not/],
        ['a URL without a token', { WARREN_GATEWAY_URL: 'http://gw' }, /WARREN_WORKSPACE_TOKEN is not/],
        ['a URL that is not http', { WARREN_GATEWAY_URL: 'gw:7080', WARREN_WORKSPACE_TOKEN: 't' }, /not an http:\/\/ or https:\/\/ URL/],
        ['a zero heartbeat', { WARREN_GATEWAY_URL: 'http://gw', WARREN_WORKSPACE_TOKEN: 't', WARREN_HEARTBEAT_SECONDS: '0' }, /"0" is not a positive/],
        ['a heartbeat that is not a number', { WARREN_GATEWAY_URL: 'http://gw', WARREN_WORKSPACE_TOKEN: 't', WARREN_HEARTBEAT_SECONDS: '1m' }, /"1m" is not/]
    ];
    for (const [what, env, message] of cases) {
        it(`should be off and say why for ${what}`, () => {
            const config = readActivityConfig(env);
            assert.ok(!config.enabled && config.misconfigured, JSON.stringify(config));
            assert.match(config.reason, message);
        });
    }

    it('should name every problem at once', () => {
        const config = readActivityConfig({ WARREN_GATEWAY_URL: 'nope', WARREN_HEARTBEAT_SECONDS: '-1' });
        assert.ok(!config.enabled);
        assert.match(config.reason, /not an http.*WARREN_WORKSPACE_TOKEN is not.*"-1"/);
    });
});

describe('takeActivityConfig', () => {
    it('should remove the token from the environment that children inherit', () => {
        const env: NodeJS.ProcessEnv = { WARREN_GATEWAY_URL: 'http://gw', WARREN_WORKSPACE_TOKEN: 't', PATH: '/bin' };
        assert.equal(takeActivityConfig(env).enabled, true);
        assert.deepEqual(env, { WARREN_GATEWAY_URL: 'http://gw', PATH: '/bin' });
    });
});
