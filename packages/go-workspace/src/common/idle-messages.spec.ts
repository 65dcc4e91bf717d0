import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, idleWarningMessage, NEVER_SAVED, READ_ONLY, saveFailure, STILL_DIRTY, unsavedEditor, unsavedMessage } from './idle-messages';

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

    it('should name each unsaved editor and why, so that it reads after "could not save "', () => {
        assert.equal(unsavedEditor('Untitled-1', NEVER_SAVED), 'Untitled-1 (never saved: give it a name)');
        assert.equal(unsavedEditor('/home/me/hello/main.go', READ_ONLY), '/home/me/hello/main.go (read-only)');
        assert.equal(unsavedEditor('/home/me/hello/main.go', STILL_DIRTY), '/home/me/hello/main.go (still unsaved after saving: save it yourself to see why)');
    });

    it('should say why a save failed, read-only files in words', () => {
        const fileError = (message: string, fileOperationResult: number): Error => Object.assign(new Error(message), { fileOperationResult });
        assert.equal(saveFailure(fileError("Unable to write file '/a.go'", 5)), 'read-only');
        assert.equal(saveFailure(fileError("Unable to modify read-only file '/a.go'", 6)), 'read-only: no permission to write the file');
        assert.equal(saveFailure(fileError("Unable to write file '/a.go' (Unavailable (FileSystemError): disk full)", 11)),
            "the save failed: Unable to write file '/a.go' (Unavailable (FileSystemError): disk full)");
        assert.equal(saveFailure('no connection'), 'the save failed: no connection');
        assert.equal(saveFailure(undefined), 'the save failed');
    });

    it('should tell the person what holds the stop back and what to do', () => {
        assert.equal(unsavedMessage(['Untitled-1 (never saved: give it a name)']),
            'Warren is holding back the stop of this workspace: it could not save Untitled-1 (never saved: give it a name). Save or close it and the stop goes on.');
        assert.equal(unsavedMessage(['Untitled-1 (never saved: give it a name)', '/a.go (read-only)']),
            'Warren is holding back the stop of this workspace: it could not save Untitled-1 (never saved: give it a name); /a.go (read-only). ' +
            'Save or close them and the stop goes on.');
    });
});
