import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges, changesInRanges, diffLines } from './line-changes';

describe('line changes', () => {
    const a = 'one\ntwo\nthree\nfour\nfive\n';
    const b = 'one\nTWO\nthree\nfive\nsix\n';

    it('should find the changed, deleted and added lines', () => {
        assert.deepEqual(diffLines(a, b), [
            { originalStart: 1, originalEnd: 2, modifiedStart: 1, modifiedEnd: 2 },
            { originalStart: 3, originalEnd: 4, modifiedStart: 3, modifiedEnd: 3 },
            { originalStart: 5, originalEnd: 5, modifiedStart: 4, modifiedEnd: 5 }
        ]);
        assert.deepEqual(diffLines(a, a), []);
    });

    it('should give back the modified text with every change applied and the original with none', () => {
        const changes = diffLines(a, b);
        assert.equal(applyChanges(a, b, changes), b);
        assert.equal(applyChanges(a, b, []), a);
    });

    it('should pick the changes a selection touches, a deletion by the lines beside it', () => {
        const changes = diffLines(a, b);
        assert.equal(applyChanges(a, b, changesInRanges(changes, [{ start: 1, end: 1 }])), 'one\nTWO\nthree\nfour\nfive\n');
        assert.equal(applyChanges(a, b, changesInRanges(changes, [{ start: 3, end: 3 }])), 'one\ntwo\nthree\nfive\n');
        assert.equal(applyChanges(a, b, changesInRanges(changes, [{ start: 4, end: 4 }])).endsWith('five\nsix\n'), true);
    });

    it('should keep a missing final newline and CRLF line ends', () => {
        assert.equal(applyChanges('x\r\ny', 'x\r\nz', diffLines('x\r\ny', 'x\r\nz')), 'x\r\nz');
    });
});
