import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toolsEnv } from './go-env';

describe('toolsEnv', () => {
    it('should take the Go variables it knows', () => {
        const r = toolsEnv({ GOPROXY: 'https://proxy.example.com', GOFLAGS: '-mod=mod' });
        assert.deepEqual(r.env, { GOPROXY: 'https://proxy.example.com', GOFLAGS: '-mod=mod' });
        assert.deepEqual(r.problems, []);
    });

    it('should ignore unknown names and bad values, saying why', () => {
        const r = toolsEnv({ PATH: '/evil', GOPRIVATE: 42, GONOSUMDB: 'a\nb', GOCACHE: '/tmp/c' });
        assert.deepEqual(r.env, { GOCACHE: '/tmp/c' });
        assert.equal(r.problems.length, 3);
        assert.match(r.problems[0], /"PATH" is not one of GOPROXY/);
        assert.match(r.problems[1], /GOPRIVATE must be a single-line string/);
    });

    it('should refuse a value that is not an object', () => {
        assert.match(toolsEnv(['GOPROXY=x']).problems[0], /must be an object/);
        assert.deepEqual(toolsEnv(undefined), { env: {}, problems: [] });
    });
});
