import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, idleWarningMessage } from './idle-messages';

describe('idle messages', () => {
    it('should say how long until the stop in words', () => {
        const cases: Array<[number, string]> = [
            [0, '0 seconds'], [1, '1 second'], [45.4, '45 seconds'], [59.6, '1 minute'], [60, '1 minute'], [89, '1 minute'], [120, '2 minutes'], [1800, '30 minutes']
        ];
        for (const [seconds, words] of cases) {
            assert.equal(formatDuration(seconds), words, `${seconds} s`);
        }
    });

    it('should warn that editors are saved first', () => {
        assert.equal(idleWarningMessage(120), 'This workspace has been idle and stops in 2 minutes. Your open editors will be saved first.');
    });
});
