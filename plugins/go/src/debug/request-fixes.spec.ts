import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mendRequest, mendResponse } from './request-fixes';

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

describe('mendResponse', () => {
    it('should put dlv\'s reason for a failed launch into the message and the Debug Console', () => {
        // dlv v1.27's answer to a launch of a package with no main
        const reason = 'Failed to launch /w/lib: could not launch process: not an executable file';
        const failed = {
            seq: 9, type: 'response' as const, request_seq: 2, success: false, command: 'launch', message: 'Failed to launch /w/lib',
            body: { error: { id: 3000, format: reason, showUser: true } }
        };
        const [output, response] = mendResponse(failed);
        assert.equal(response.message, reason);
        assert.deepEqual(response.body, failed.body);
        assert.deepEqual(output, { seq: 0, type: 'event', event: 'output', body: { category: 'stderr', output: `${reason}\n` } });
    });

    it('should fill in the format\'s variables and keep a message that the reason does not repeat', () => {
        const [, response] = mendResponse({
            seq: 1, type: 'response', success: false, command: 'evaluate', message: 'Unable to evaluate',
            body: { error: { id: 1, format: 'no symbol {name} in {scope}', variables: { name: 'x' }, showUser: true } }
        });
        assert.equal(response.message, 'Unable to evaluate: no symbol x in {scope}');
    });

    it('should leave successes and errors not meant for the user alone', () => {
        const ok = { seq: 1, type: 'response' as const, success: true, command: 'launch' };
        assert.deepEqual(mendResponse(ok), [ok]);
        const quiet = { seq: 2, type: 'response' as const, success: false, command: 'evaluate', message: 'x', body: { error: { id: 1, format: 'internal', showUser: false } } };
        assert.deepEqual(mendResponse(quiet), [quiet]);
    });
});
