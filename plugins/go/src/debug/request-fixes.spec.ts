import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mendRequest } from './request-fixes';

describe('mendRequest', () => {
    it('should drop Theia\'s "indexed" filter when no count says how many', () => {
        const mended = mendRequest({ seq: 1, type: 'request', command: 'variables', arguments: { variablesReference: 1000, filter: 'indexed', start: 0 } });
        assert.deepEqual(mended.arguments, { variablesReference: 1000 });
    });

    it('should leave a real page of indexed children, and other requests, alone', () => {
        const page = { seq: 2, type: 'request' as const, command: 'variables', arguments: { variablesReference: 7, filter: 'indexed', start: 100, count: 100 } };
        assert.deepEqual(mendRequest(page), page);
        const other = { seq: 3, type: 'request' as const, command: 'scopes', arguments: { frameId: 1 } };
        assert.equal(mendRequest(other), other);
    });
});
