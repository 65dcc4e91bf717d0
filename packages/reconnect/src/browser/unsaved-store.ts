/**
 * Unsaved text kept in the tab's local storage across a reload, one entry per file, keyed by the
 * workspace (its host: `<id>--<tenant>.<domain>`, its own origin too) and the file's URI.
 */
export interface UnsavedFile {
    uri: string;
    text: string;
    /** When it was kept, ms since the epoch. */
    keptAt: number;
}

const PREFIX = 'warren.unsaved:';
/** Kept text older than this is dropped unoffered: a week on, it is more likely to mislead than to help. */
const MAX_AGE_MS = 7 * 24 * 3600_000;

export class UnsavedStore {
    constructor(protected readonly storage: Storage, protected readonly workspace: string) { }

    /** Keeps each file's text; a full storage keeps what fits and names the rest. */
    keep(files: { uri: string; text: string }[]): { kept: string[]; notKept: string[] } {
        const kept: string[] = [];
        const notKept: string[] = [];
        for (const file of files) {
            try {
                this.storage.setItem(this.key(file.uri), JSON.stringify({ uri: file.uri, text: file.text, keptAt: Date.now() } satisfies UnsavedFile));
                kept.push(file.uri);
            } catch {
                notKept.push(file.uri);
            }
        }
        return { kept, notKept };
    }

    /** This workspace's kept files, newest first; entries that do not parse or are too old are removed. */
    list(now = Date.now()): UnsavedFile[] {
        const files: UnsavedFile[] = [];
        for (const key of this.keys()) {
            const file = parse(this.storage.getItem(key));
            if (!file || now - file.keptAt > MAX_AGE_MS) {
                this.storage.removeItem(key);
            } else {
                files.push(file);
            }
        }
        return files.sort((a, b) => b.keptAt - a.keptAt);
    }

    forget(uri: string): void {
        this.storage.removeItem(this.key(uri));
    }

    protected key(uri: string): string {
        return `${PREFIX}${this.workspace}:${uri}`;
    }

    protected keys(): string[] {
        const mine = `${PREFIX}${this.workspace}:`;
        const keys: string[] = [];
        for (let i = 0; i < this.storage.length; i++) {
            const key = this.storage.key(i);
            if (key?.startsWith(mine)) {
                keys.push(key);
            }
        }
        return keys;
    }
}

function parse(value: string | null): UnsavedFile | undefined {
    try {
        const file = JSON.parse(value ?? '') as Partial<UnsavedFile>;
        return typeof file.uri === 'string' && typeof file.text === 'string' && typeof file.keptAt === 'number' ? file as UnsavedFile : undefined;
    } catch {
        return undefined;
    }
}
