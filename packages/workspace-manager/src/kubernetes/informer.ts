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
    /** A watch that delivers nothing, not even a bookmark, for this long is taken for stalled and reopened (default 90 s); one whose request is never answered, too. */
    stallMs?: number;
    onEvent(type: InformerEvent, object: T): void;
    /** A list or watch failed; it is retried with backoff. */
    onError?(err: Error): void;
}

/**
 * A cache of one kind of object, kept current as client-go's reflector keeps it: list, then watch
 * from the list's resourceVersion with bookmarks; a watch that ends is reopened from the last
 * version seen; "410 Gone" (the version is too old) lists again; failures retry with backoff up to
 * 30 s; and a watchdog reopens a watch that went silent, or whose request was never answered (as can
 * happen while the API server restarts). client-node's own ListWatch stops for good
 * on the first error, which is why this thin wrapper over its Watch exists.
 */
export class Informer<T extends k8s.KubernetesObject> {
    protected readonly objects = new Map<string, T>();
    /** Objects the watch said were deleted, with the version that said so (a late write answer must not revive them). */
    protected readonly tombstones = new Map<string, k8s.KubernetesObject>();
    protected readonly watch: k8s.Watch;
    protected resourceVersion = '';
    /** The watch in charge: from the moment it is asked for (its fetch may hang) until it ends or is abandoned. */
    protected current?: WatchAttempt;
    protected stopped = true;
    protected failures = 0;
    protected lastData = 0;
    protected watchdog?: NodeJS.Timeout;
    protected retry?: NodeJS.Timeout;
    protected synced?: Promise<void>;
    protected onSynced?: () => void;

    constructor(protected readonly kube: KubeClients, protected readonly options: InformerOptions<T>) {
        this.watch = new k8s.Watch(kube.config);
    }

    /** Resolves after the first list, when the cache holds every object; a failing first list retries until it works. */
    start(): Promise<void> {
        if (!this.stopped) {
            return this.synced!;
        }
        this.stopped = false;
        this.resourceVersion = '';
        this.synced = new Promise<void>(resolve => { this.onSynced = resolve; });
        this.reopen();
        const stallMs = this.options.stallMs ?? 90_000;
        this.watchdog = setInterval(() => {
            // A watch whose request never got an answer counts as silent too: client-node hands out its
            // controller only once the answer's headers came, so a hanging open is abandoned, not aborted.
            if (this.current && Date.now() - this.lastData > stallMs) {
                this.abandon();
                this.failed(new Error(`the watch of ${this.options.path} was silent for ${Math.round(stallMs / 1000)} s; reopening it`), () => this.reopen());
            }
        }, Math.min(stallMs, 10_000));
        this.watchdog.unref();
        return this.synced;
    }

    stop(): void {
        this.stopped = true;
        clearInterval(this.watchdog);
        clearTimeout(this.retry);
        this.abandon();
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

    /** Lists (the cache becomes the list, with an event for each difference, deletions included), then watches from the list's version. */
    protected async relist(): Promise<void> {
        const list = await this.kube.get<k8s.KubernetesListObject<T>>(`${this.options.path}?${new URLSearchParams(this.selectors())}`);
        if (this.stopped) {
            return;
        }
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
        this.onSynced?.();
        this.onSynced = undefined;
        this.open();
    }

    /**
     * Opens a watch from the last version seen. Whatever way it ends (its request refused, an error
     * from the server, its stream closed) is handled once, in ended(), and only while it is still the
     * watch in charge: one the watchdog gave up on can end later, or never, and changes nothing.
     */
    protected open(): void {
        if (this.stopped) {
            return;
        }
        this.abandon(); // one watch at a time
        const attempt: WatchAttempt = { ended: false };
        this.current = attempt;
        this.lastData = Date.now();
        const params = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.watchTimeoutSeconds ?? 300, ...this.selectors() };
        const onEvent = (type: string, object: T & Partial<k8s.V1Status>): void => {
            if (attempt.ended) {
                return;
            }
            this.lastData = Date.now();
            if (type === 'ERROR') {
                // The server ends the stream after it: 410 means list again, anything else is a failure to back off from.
                attempt.gone = object.code === 410;
                attempt.error = attempt.gone ? undefined : Object.assign(new Error(`the watch of ${this.options.path} failed: ${object.message ?? object.reason ?? 'an ERROR event'}`), { statusCode: object.code });
                return;
            }
            this.failures = 0; // the watch works again: the next failure waits the shortest time
            this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
            if (type === 'BOOKMARK') {
                return;
            }
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
        };
        // client-node calls done before its watch() resolves when the request fails (refused, or an answer other than 200).
        void this.watch.watch(this.options.path, params, onEvent, (err: unknown) => this.ended(attempt, err)).then(controller => {
            attempt.controller = controller;
            if (attempt.ended) {
                controller.abort(); // ended or abandoned before its controller was handed over
            }
        }, err => this.ended(attempt, err));
    }

    protected ended(attempt: WatchAttempt, err: unknown): void {
        if (attempt.ended) {
            return;
        }
        attempt.ended = true;
        if (this.current === attempt) {
            this.current = undefined;
        }
        if (this.stopped) {
            return;
        }
        const failure = (err ?? attempt.error) as (Error & { statusCode?: number }) | null | undefined;
        if (attempt.gone || failure?.statusCode === 410) {
            this.resourceVersion = ''; // too old: list again
            this.reopen();
        } else if (failure) {
            this.failed(failure, () => this.reopen());
        } else {
            this.reopen(); // the server's timeout: the usual end of a watch
        }
    }

    /** Gives up on the watch in charge: aborted when client-node handed its controller over, else as soon as it does. */
    protected abandon(): void {
        const attempt = this.current;
        this.current = undefined;
        if (attempt) {
            attempt.ended = true;
            attempt.controller?.abort();
        }
    }

    protected selectors(): Record<string, string> {
        const { labelSelector, fieldSelector } = this.options;
        return { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
    }

    protected reopen(): void {
        if (this.stopped) {
            return;
        }
        if (this.resourceVersion) {
            this.open();
        } else {
            this.relist().catch(err => this.failed(err as Error, () => this.reopen()));
        }
    }

    protected failed(err: Error, again: () => void): void {
        if (this.stopped) {
            return;
        }
        this.failures++;
        this.options.onError?.(err);
        const delay = Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
        // One retry at a time. Not unref'd: a start that waits for its first list must keep the process alive while it retries.
        clearTimeout(this.retry);
        this.retry = setTimeout(again, delay);
    }
}

/** One watch request, from the moment it is asked for until it ends. */
interface WatchAttempt {
    /** client-node's controller, once its watch() resolved (after the answer's headers). */
    controller?: AbortController;
    ended: boolean;
    /** An ERROR event said 410 Gone: the version is too old, list again. */
    gone?: boolean;
    /** An ERROR event other than 410: the stream's end is a failure. */
    error?: Error;
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
