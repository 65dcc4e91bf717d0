import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsavedStore } from './unsaved-store';

/** The browser's Storage, in memory: local storage exists only in a browser (the e2e spec uses chromium's). */
class MemoryStorage implements Storage {
    protected readonly items = new Map<string, string>();
    constructor(protected readonly quota = Infinity) { }
    get length(): number { return this.items.size; }
    clear(): void { this.items.clear(); }
    getItem(key: string): string | null { return this.items.get(key) ?? null; }
    key(index: number): string | null { return [...this.items.keys()][index] ?? null; }
    removeItem(key: string): void { this.items.delete(key); }
    setItem(key: string, value: string): void {
        const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : k.length + v.length), 0);
        if (used + key.length + value.length > this.quota) {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        this.items.set(key, value);
    }
}

describe('UnsavedStore', () => {
    it('should keep files per workspace and list only its own, newest first', () => {
        const storage = new MemoryStorage();
        const a = new UnsavedStore(storage, 'a--default.localhost:7080');
        const b = new UnsavedStore(storage, 'b--default.localhost:7080');
        a.keep([{ uri: 'file:///w/main.go', text: 'one' }]);
        b.keep([{ uri: 'file:///w/main.go', text: 'other workspace' }]);
        a.keep([{ uri: 'file:///w/util.go', text: 'two' }]);
        const later = Date.now() + 1;
        assert.deepEqual(a.list(later).map(f => f.text).sort(), ['one', 'two']);
        assert.deepEqual(b.list(later).map(f => f.text), ['other workspace']);
        a.forget('file:///w/main.go');
        assert.deepEqual(a.list(later).map(f => f.uri), ['file:///w/util.go']);
    });

    it('should name the files a full storage could not keep, and keep the others', () => {
        const store = new UnsavedStore(new MemoryStorage(200), 'a--default.localhost:7080');
        const result = store.keep([{ uri: 'file:///w/small.go', text: 'x' }, { uri: 'file:///w/big.go', text: 'y'.repeat(500) }]);
        assert.deepEqual(result, { kept: ['file:///w/small.go'], notKept: ['file:///w/big.go'] });
    });

    it('should drop entries that are too old or do not parse', () => {
        const storage = new MemoryStorage();
        const store = new UnsavedStore(storage, 'a--default.localhost:7080');
        store.keep([{ uri: 'file:///w/main.go', text: 'old' }]);
        storage.setItem('warren.unsaved:a--default.localhost:7080:file:///w/broken.go', '{not json');
        assert.deepEqual(store.list(Date.now() + 8 * 24 * 3600_000), []);
        assert.equal(storage.length, 0);
    });
});
