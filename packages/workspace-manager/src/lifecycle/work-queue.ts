/** What a worker asks for after handling a key: nothing, or another look after a while. */
export interface WorkResult {
    requeueAfterMs?: number;
}

export interface WorkQueueOptions {
    /** How many keys are handled at once. */
    concurrency: number;
    /** A worker that threw is retried after this, doubling up to maxBackoffMs. */
    baseBackoffMs?: number;
    maxBackoffMs?: number;
    onError?(key: string, err: Error): void;
}

/**
 * A work queue in the manner of client-go's: keys, not events, so that a burst of changes to one
 * workspace is one piece of work; a key is never handled twice at once (a change that comes in
 * meanwhile makes it run once more after); and at most `concurrency` keys are handled together, so
 * that a slow one delays no other.
 */
export class WorkQueue<K extends string> {
    protected readonly queued = new Set<K>();
    protected readonly active = new Set<K>();
    protected readonly dirty = new Set<K>();
    protected readonly timers = new Map<K, { at: number; timer: NodeJS.Timeout }>();
    protected readonly failures = new Map<K, number>();
    protected readonly idle: Array<() => void> = [];
    protected closed = false;

    constructor(protected readonly worker: (key: K) => Promise<WorkResult>, protected readonly options: WorkQueueOptions) { }

    /** Handles key soon, or after delayMs; an earlier request wins over a later one. */
    add(key: K, delayMs = 0): void {
        if (this.closed) {
            return;
        }
        if (delayMs > 0) {
            const at = Date.now() + delayMs;
            const known = this.timers.get(key);
            if (known && known.at <= at) {
                return;
            }
            clearTimeout(known?.timer);
            const timer = setTimeout(() => { this.timers.delete(key); this.add(key); }, delayMs);
            timer.unref();
            this.timers.set(key, { at, timer });
            return;
        }
        if (this.active.has(key)) {
            this.dirty.add(key);
            return;
        }
        this.queued.add(key);
        this.next();
    }

    /** Keys waiting or being handled. */
    get size(): number {
        return this.queued.size + this.active.size;
    }

    /** Takes no more work and resolves once the keys in hand are done. */
    async close(): Promise<void> {
        this.closed = true;
        this.queued.clear();
        this.dirty.clear();
        this.timers.forEach(t => clearTimeout(t.timer));
        this.timers.clear();
        if (this.active.size) {
            await new Promise<void>(resolve => this.idle.push(resolve));
        }
    }

    protected next(): void {
        while (!this.closed && this.active.size < this.options.concurrency && this.queued.size) {
            const key = this.queued.values().next().value as K;
            this.queued.delete(key);
            this.active.add(key);
            void this.run(key);
        }
    }

    protected async run(key: K): Promise<void> {
        let again: number | undefined;
        try {
            const result = await this.worker(key);
            this.failures.delete(key);
            again = result.requeueAfterMs;
        } catch (err) {
            const n = (this.failures.get(key) ?? 0) + 1;
            this.failures.set(key, n);
            this.options.onError?.(key, err as Error);
            again = Math.min((this.options.baseBackoffMs ?? 500) * 2 ** (n - 1), this.options.maxBackoffMs ?? 30_000);
        }
        this.active.delete(key);
        if (this.dirty.delete(key)) {
            this.add(key);
        } else if (again !== undefined) {
            this.add(key, again);
        }
        if (!this.active.size) {
            this.idle.splice(0).forEach(resolve => resolve());
        }
        this.next();
    }
}
