import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findConflicts, resolve } from './conflicts';

describe('merge conflicts', () => {
    const text = 'a\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> origin/main\nb\n<<<<<<< HEAD\nx\n||||||| base\nw\n=======\ny\n>>>>>>> other\n';
    const lines = text.split('\n');

    it('should find each block, the diff3 style too', () => {
        assert.deepEqual(findConflicts(text), [
            { start: 1, base: undefined, separator: 3, end: 5 },
            { start: 7, base: 9, separator: 11, end: 13 }
        ]);
        assert.deepEqual(findConflicts('<<<<<<< HEAD\nunfinished\n'), []);
    });

    it('should resolve a block to current, incoming or both', () => {
        const [first, second] = findConflicts(text);
        assert.deepEqual(resolve(lines, first, 'current'), ['mine']);
        assert.deepEqual(resolve(lines, first, 'incoming'), ['theirs']);
        assert.deepEqual(resolve(lines, second, 'both'), ['x', 'y']);
    });
});
