import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeMemoryLimit, parseSize, readCgroupLimit } from './memory-limit';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('computeMemoryLimit', () => {
    const cases: Array<{ name: string; setting: string; cgroup?: number; total: number; want: string | undefined }> = [
        { name: 'half of a container limit', setting: 'auto', cgroup: 4 * GiB, total: 64 * GiB, want: '2048MiB' },
        { name: 'a quarter of the machine without a container limit', setting: 'auto', total: 24 * GiB, want: '6144MiB' },
        { name: 'the machine when the cgroup limit is above it', setting: 'auto', cgroup: 128 * GiB, total: 16 * GiB, want: '4096MiB' },
        { name: 'the floor in a tiny container', setting: 'auto', cgroup: 256 * MiB, total: 16 * GiB, want: '256MiB' },
        { name: 'an explicit size', setting: '3GiB', total: 16 * GiB, want: '3072MiB' },
        { name: 'nothing when off', setting: 'off', cgroup: GiB, total: 16 * GiB, want: undefined }
    ];
    for (const c of cases) {
        it(`should give ${c.want ?? 'no limit'} for ${c.name}`, () => {
            const limit = computeMemoryLimit({ setting: c.setting, cgroupLimitBytes: c.cgroup, totalMemoryBytes: c.total });
            assert.equal(limit.gomemlimit, c.want);
            assert.ok(limit.reason.length > 0);
        });
    }

    it('should explain a setting it cannot read', () => {
        assert.throws(() => computeMemoryLimit({ setting: '2GB', totalMemoryBytes: GiB }), /"2GB" is not "auto", "off" or a size such as "1536MiB"/);
    });
});

describe('parseSize', () => {
    it('should read the units GOMEMLIMIT reads', () => {
        assert.equal(parseSize('512MiB'), 512 * MiB);
        assert.equal(parseSize('2GiB'), 2 * GiB);
        assert.equal(parseSize('100B'), 100);
        assert.equal(parseSize('2 GiB'), undefined);
        assert.equal(parseSize('2G'), undefined);
    });
});

describe('readCgroupLimit', () => {
    const files = (map: Record<string, string>) => (file: string): string => {
        if (!(file in map)) {
            throw new Error('ENOENT');
        }
        return map[file];
    };
    it('should read cgroup v2, v1, and treat "max" and v1\'s huge number as unlimited', () => {
        assert.equal(readCgroupLimit(files({ '/sys/fs/cgroup/memory.max': '2147483648\n' })), 2 * GiB);
        assert.equal(readCgroupLimit(files({ '/sys/fs/cgroup/memory.max': 'max\n' })), undefined);
        assert.equal(readCgroupLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824' })), GiB);
        assert.equal(readCgroupLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' })), undefined);
        assert.equal(readCgroupLimit(files({})), undefined);
    });
});
