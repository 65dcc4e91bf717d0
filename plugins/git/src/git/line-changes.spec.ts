import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges, changesInRanges, diffLines, rangesInOriginal } from './line-changes';

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

    it('should map selections of the modified text to the original\'s lines: shifted, replaced, or none for an addition', () => {
        // a → b: line 1 replaced, line 3 deleted, "six" added at 4.
        const changes = diffLines(a, b);
        assert.deepEqual(rangesInOriginal(changes, [{ start: 0, end: 0 }]), [{ start: 0, end: 0 }]);
        assert.deepEqual(rangesInOriginal(changes, [{ start: 1, end: 1 }]), [{ start: 1, end: 1 }], 'TWO replaced two');
        assert.deepEqual(rangesInOriginal(changes, [{ start: 3, end: 3 }]), [{ start: 4, end: 4 }], 'five is one further down in the original');
        assert.deepEqual(rangesInOriginal(changes, [{ start: 4, end: 4 }]), [], 'six was added');
        assert.deepEqual(rangesInOriginal(changes, [{ start: 2, end: 4 }]), [{ start: 2, end: 4 }]);
    });

    it('should unstage the staged change under a selection of the working tree, below unstaged added lines', () => {
        // HEAD → index stages "B" for "b"; the working tree adds two lines above it as well.
        const head = 'a\nb\nc\nd\n';
        const index = 'a\nB\nc\nD\n';
        const tree = 'new 1\nnew 2\na\nB\nc\nD\n';
        const staged = diffLines(head, index);
        // The cursor on "B", line 3 of the editor (0-based), which is line 1 of the index.
        const selected = changesInRanges(staged, rangesInOriginal(diffLines(index, tree), [{ start: 3, end: 3 }]));
        assert.equal(applyChanges(head, index, staged.filter(c => !selected.includes(c))), 'a\nb\nc\nD\n', 'B unstaged, D still staged');
        // Matched without the mapping, line 3 is D's: the wrong change.
        assert.deepEqual(changesInRanges(staged, [{ start: 3, end: 3 }]).map(c => c.originalStart), [3]);
    });

    it('should keep a missing final newline and CRLF line ends', () => {
        assert.equal(applyChanges('x\r\ny', 'x\r\nz', diffLines('x\r\ny', 'x\r\nz')), 'x\r\nz');
    });
});
