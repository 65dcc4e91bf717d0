import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGoVersions, formatGoVersion, parseGoVersion } from './go-version';

describe('parseGoVersion', () => {
    const cases: Array<[string, string | undefined]> = [
        ['go1.26.8', '1.26.8'],
        ['go version go1.26.8 linux/amd64', '1.26.8'],
        ['1.26', '1.26.0'],
        ['go1.27rc1', '1.27.0'],
        ['devel', undefined],
        ['', undefined]
    ];
    for (const [text, want] of cases) {
        it(`should read ${JSON.stringify(text)} as ${want ?? 'no version'}`, () => {
            const v = parseGoVersion(text);
            assert.equal(v && formatGoVersion(v), want);
        });
    }
});

describe('compareGoVersions', () => {
    const v = (s: string): NonNullable<ReturnType<typeof parseGoVersion>> => parseGoVersion(s)!;
    it('should order by major, minor, then patch', () => {
        assert.ok(compareGoVersions(v('1.25.9'), v('1.26')) < 0);
        assert.ok(compareGoVersions(v('1.26.1'), v('1.26.0')) > 0);
        assert.equal(compareGoVersions(v('go1.26'), v('1.26.0')), 0);
        assert.ok(compareGoVersions(v('2.0'), v('1.99.99')) > 0);
    });
});
