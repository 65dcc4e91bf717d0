import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isControlPath } from './control-path';

describe('isControlPath', () => {
    it('should find /_warren/ however it is spelled', () => {
        for (const target of ['/_warren/prepare-stop', '/_warren', '/_WARREN/prepare-stop', '/_Warren/Prepare-Stop', '/%5Fwarren/prepare-stop',
            '/%5fWARREN/x', '/%255Fwarren/x', '/_warr%65n/x', '//_warren/x', '/\\_warren/x', '/a/../_warren/x', '/./_warren/x', '/%2e%2e/_warren/x',
            '/_warren/?x', '/_warren/..', '/_warren?ticket=1', 'http://hello--t.localhost/_warren/x', '*', '', undefined]) {
            assert.equal(isControlPath(target), true, String(target));
        }
    });

    it('should let every other path through to the IDE', () => {
        for (const target of ['/', '/index.html', '/socket.io/?EIO=4&transport=websocket', '/file?path=/_warren/x', '/files/_warren/x',
            '/_warrenx', '/x/_warren/y', '/%E0%A4%A', '/100%', '/_warren%00/x']) {
            assert.equal(isControlPath(target), false, target);
        }
    });
});
