import * as k8s from '@kubernetes/client-node';
import { KubeClients } from './kube';

export type InformerEvent = 'added' | 'modified' | 'deleted';

export interface InformerOptions<T extends k8s.KubernetesObject> {
    /** The collection's path, e.g. /api/v1/pods or /apis/warren.dev/v1alpha1/workspaces (every namespace): listed, then watched. */
    path: string;
    labelSelector?: string;
    fieldSelector?: string;
    /** The server ends each watch after this and it is opened again (default 300 s). */
    watchTimeoutSeconds?: number;
    /** A watch that delivers nothing, not even a bookmark, for this long is taken for stalled and reopened (default 90 s). */
    stallMs?: number;
    onEvent(type: InformerEvent, object: T): void;
    /** A list or watch failed; it is retried with backoff. */
    onError?(err: Error): void;
}

/**
 * A cache of one kind of object, kept current as client-go's reflector keeps it: list, then watch
 * from the list's resourceVersion with bookmarks; a watch that ends is reopened from the last
 * version seen; "410 Gone" (the version is too old) lists again; failures retry with backoff up to
 * 30 s; and a watchdog reopens a watch that went silent. client-node's own ListWatch stops for good
 * on the first error, which is why this thin wrapper over its Watch exists.
 */
export class Informer<T extends k8s.KubernetesObject> {
    protected readonly objects = new Map<string, T>();
    /** Objects the watch said were deleted, with the version that said so (a late write answer must not revive them). */
    protected readonly tombstones = new Map<string, k8s.KubernetesObject>();
    protected readonly watch: k8s.Watch;
    protected resourceVersion = '';
    protected request?: AbortController;
    protected stopped = true;
    protected failures = 0;
    protected lastData = 0;
    protected watchdog?: NodeJS.Timeout;
    protected retry?: NodeJS.Timeout;
    protected synced?: Promise<void>;

    constructor(protected readonly kube: KubeClients, protected readonly options: InformerOptions<T>) {
        this.watch = new k8s.Watch(kube.config);
    }

    /** Resolves after the first list, when the cache holds every object; a failing first list retries until it works. */
    start(): Promise<void> {
        if (!this.stopped) {
            return this.synced!;
        }
        this.stopped = false;
        this.synced = new Promise<void>(resolve => {
            const first = (): void => void this.relist().then(resolve, err => { this.failed(err as Error, first); });
            first();
        });
        const stallMs = this.options.stallMs ?? 90_000;
        this.watchdog = setInterval(() => {
            if (this.request && Date.now() - this.lastData > stallMs) {
                this.options.onError?.(new Error(`the watch of ${this.options.path} was silent for ${Math.round(stallMs / 1000)} s; reopening it`));
                this.request.abort();
            }
        }, Math.min(stallMs, 10_000));
        this.watchdog.unref();
        return this.synced;
    }

    stop(): void {
        this.stopped = true;
        clearInterval(this.watchdog);
        clearTimeout(this.retry);
        this.request?.abort();
        this.request = undefined;
    }

    get(namespace: string | undefined, name: string): T | undefined {
        return this.objects.get(`${namespace ?? ''}/${name}`);
    }

    list(): T[] {
        return [...this.objects.values()];
    }

    /**
     * A write's answer is newer than what the watch brought so far: keep it (the watch's own copy
     * replaces it later). Not when the watch already said the object is gone: a delete's answer can
     * come after the DELETED event, and must not bring back a ghost.
     */
    remember(object: T): void {
        const key = keyOf(object);
        const known = this.objects.get(key);
        const gone = this.tombstones.get(key);
        if (gone && !newer(object, gone)) {
            return;
        }
        if (!known || newer(object, known)) {
            this.objects.set(key, object);
        }
    }

    forget(object: T): void {
        this.objects.delete(keyOf(object));
    }

    protected bury(object: T): void {
        if (this.tombstones.size > 10_000) {
            this.tombstones.clear(); // bounded; a relist would clear them anyway
        }
        this.tombstones.set(keyOf(object), object);
    }

    protected async relist(): Promise<void> {
        const list = await this.kube.get<k8s.KubernetesListObject<T>>(`${this.options.path}?${new URLSearchParams(this.selectors())}`);
        const seen = new Set<string>();
        for (const object of list.items) {
            const key = keyOf(object);
            seen.add(key);
            const known = this.objects.get(key);
            this.objects.set(key, object);
            if (!known || known.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
                this.options.onEvent(known ? 'modified' : 'added', object);
            }
        }
        for (const [key, object] of [...this.objects]) {
            if (!seen.has(key)) {
                this.objects.delete(key);
                this.options.onEvent('deleted', object);
            }
        }
        this.tombstones.clear(); // the list is the truth as of its version
        this.resourceVersion = list.metadata?.resourceVersion ?? '';
        this.failures = 0;
        await this.open();
    }

    protected async open(): Promise<void> {
        if (this.stopped) {
            return;
        }
        this.lastData = Date.now();
        const params = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.watchTimeoutSeconds ?? 300, ...this.selectors() };
        let gone = false;
        const request = await this.watch.watch(this.options.path, params, (type: string, object: T & { code?: number }) => {
            this.lastData = Date.now();
            this.failures = 0; // the watch works again: the next failure waits the shortest time
            if (type === 'ERROR') {
                gone = object.code === 410;
                return;
            }
            if (type === 'BOOKMARK') {
                this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
                return;
            }
            this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
            if (type === 'DELETED') {
                this.objects.delete(keyOf(object));
                this.bury(object);
                this.options.onEvent('deleted', object);
            } else {
                const known = this.objects.get(keyOf(object));
                if (known && !newer(object, known)) {
                    return; // older than what a write of ours already brought
                }
                this.tombstones.delete(keyOf(object));
                this.objects.set(keyOf(object), object);
                this.options.onEvent(type === 'ADDED' ? 'added' : 'modified', object);
            }
        }, (err: unknown) => {
            if (this.request === request) {
                this.request = undefined;
            }
            if (this.stopped) {
                return;
            }
            const status = (err as { statusCode?: number } | null)?.statusCode;
            if (gone || status === 410) {
                this.resourceVersion = ''; // too old: list again
                this.reopen();
            } else if (err) {
                this.failed(err as Error, () => this.reopen());
            } else {
                this.reopen(); // the server's timeout: the usual end of a watch
            }
        });
        this.request = request;
    }

    protected selectors(): Record<string, string> {
        const { labelSelector, fieldSelector } = this.options;
        return { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
    }

    protected reopen(): void {
        if (this.stopped) {
            return;
        }
        const go = this.resourceVersion ? this.open() : this.relist();
        void go.catch(err => this.failed(err as Error, () => this.reopen()));
    }

    protected failed(err: Error, again: () => void): void {
        if (this.stopped) {
            return;
        }
        this.failures++;
        this.options.onError?.(err);
        const delay = Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
        // Not unref'd: a start that waits for its first list must keep the process alive while it retries.
        this.retry = setTimeout(again, delay);
    }
}

function keyOf(object: k8s.KubernetesObject): string {
    return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** resourceVersions are opaque, but etcd's are counters: compare them as such when both are, else take the newcomer. */
function newer(a: k8s.KubernetesObject, b: k8s.KubernetesObject): boolean {
    const x = a.metadata?.resourceVersion;
    const y = b.metadata?.resourceVersion;
    if (x && y && /^\d+$/.test(x) && /^\d+$/.test(y)) {
        return BigInt(x) > BigInt(y);
    }
    return true;
}
