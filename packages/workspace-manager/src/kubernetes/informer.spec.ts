import { strict as assert } from 'assert';
import * as http from 'http';
import { AddressInfo } from 'net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { Informer, InformerEvent } from './informer';
import { KubeClients } from './kube';

/** What the fake API server does with one watch request. */
type WatchScript = (res: http.ServerResponse) => void;

/**
 * A fake API server over plain HTTP, standing in for kube-apiserver around a restart: it answers
 * lists of /api/v1/pods with what a test sets, and each watch with the next script of a queue (a
 * stream of events, an answer other than 200, or no answer at all). The informer talks to it through
 * client-node's own Watch, so the way that library reports a failed request is the real one.
 */
class FakeApiServer {
    readonly server = http.createServer((req, res) => this.handle(req, res));
    items: k8s.V1Pod[] = [];
    listVersion = '10';
    lists = 0;
    readonly watches: Array<{ resourceVersion: string | null }> = [];
    readonly scripts: WatchScript[] = [];
    /** Open watch streams and requests left unanswered, closed at the end. */
    readonly open = new Set<http.ServerResponse>();

    async listen(): Promise<string> {
        await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    close(): Promise<void> {
        this.open.forEach(res => res.destroy());
        this.server.closeAllConnections();
        return new Promise<void>(resolve => this.server.close(() => resolve()));
    }

    protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = new URL(req.url ?? '/', 'http://fake');
        if (url.searchParams.get('watch') !== 'true') {
            this.lists++;
            res.setHeader('Content-Type', 'application/json');
            res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: this.listVersion }, items: this.items }));
            return;
        }
        this.watches.push({ resourceVersion: url.searchParams.get('resourceVersion') });
        this.open.add(res);
        res.on('close', () => this.open.delete(res));
        const script = this.scripts.shift() ?? ((r: http.ServerResponse) => { r.writeHead(200); r.flushHeaders(); }); // an idle stream
        script(res);
    }
}

const pod = (name: string, resourceVersion: string, phase = 'Running'): k8s.V1Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'warren-t1', resourceVersion }, status: { phase } });
const event = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
const stream = (...lines: string[]): WatchScript => res => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    lines.forEach(line => res.write(line));
};
const gone: WatchScript = res => {
    res.writeHead(410, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 10 (40)', reason: 'Expired', code: 410 }));
};
const tooManyRequests: WatchScript = res => {
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'storage is (re)initializing', reason: 'TooManyRequests', code: 429 }));
};
/** The API server took the request and never answers it: no status, no headers. */
const noAnswer: WatchScript = () => undefined;

async function until<T>(what: string, test: () => T | undefined, ms = 5_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
        const value = test();
        if (value !== undefined) {
            return value;
        }
        if (Date.now() > end) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise(resolve => setTimeout(resolve, 20));
    }
}

describe('Informer (against a fake API server)', { timeout: 20_000 }, () => {
    // A server of its own for each test: a request of the last test's informer, sent as it stopped, finds nothing here.
    let api: FakeApiServer;
    let kube: KubeClients;
    let informer: Informer<k8s.V1Pod> | undefined;
    let events: Array<[InformerEvent, string]>;
    let errors: string[];

    beforeEach(async () => {
        api = new FakeApiServer();
        const server = await api.listen();
        const config = new k8s.KubeConfig();
        config.loadFromOptions({
            clusters: [{ name: 'fake', server, skipTLSVerify: true }], users: [{ name: 'nobody' }],
            contexts: [{ name: 'fake', cluster: 'fake', user: 'nobody' }], currentContext: 'fake'
        });
        kube = new KubeClients(config);
    });

    afterEach(async () => {
        informer?.stop();
        informer = undefined;
        await api.close();
    });

    const start = (stallMs = 60_000): Promise<void> => {
        events = [];
        errors = [];
        informer = new Informer<k8s.V1Pod>(kube, {
            path: '/api/v1/pods', stallMs,
            onEvent: (type, object) => events.push([type, object.metadata!.name!]),
            onError: err => errors.push(err.message)
        });
        return informer.start();
    };

    it('should watch from the list\'s version and apply what the watch brings', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(stream(event('MODIFIED', pod('ws-a', '11', 'Failed')), event('DELETED', pod('ws-a', '12', 'Failed'))));
        await start();
        await until('the DELETED event', () => events.find(([type]) => type === 'deleted'));
        assert.deepEqual(events, [['added', 'ws-a'], ['modified', 'ws-a'], ['deleted', 'ws-a']]);
        assert.equal(api.watches[0].resourceVersion, '10');
        assert.equal(informer!.get('warren-t1', 'ws-a'), undefined);
    });

    // After an API server restart the watch's request can be taken and never answered. client-node gives
    // out the request's controller only once the answer's headers came, so until then there is nothing
    // to abort: the watchdog must still see the silence and open a new watch.
    it('should open a new watch when the request of one is never answered', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(noAnswer, stream(event('MODIFIED', pod('ws-a', '11', 'Failed'))));
        const synced = start(300);
        await until('the MODIFIED event from the second watch', () => events.find(([type]) => type === 'modified'), 5_000);
        await synced;
        assert.equal(api.watches.length, 2);
        assert.equal(api.watches[1].resourceVersion, '10');
        assert.match(errors[0], /silent for/);
    });

    // A watch refused with 410 Gone (its version older than the restarted server's cache) must be followed by a
    // list, whose differences are events: a pod deleted while no watch ran is "deleted", not kept for ever.
    it('should list again when a watch is answered 410 Gone, and say what vanished meanwhile', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(gone);
        await start();
        api.items = [pod('ws-b', '41')];
        api.listVersion = '42';
        await until('the second list', () => (api.lists >= 2 && api.watches.length >= 2) || undefined);
        await until('the events of the second list', () => (events.length >= 3) || undefined);
        assert.deepEqual(events, [['added', 'ws-a'], ['added', 'ws-b'], ['deleted', 'ws-a']]);
        assert.equal(api.watches[1].resourceVersion, '42');
        assert.deepEqual(informer!.list().map(p => p.metadata!.name), ['ws-b']);
    });

    it('should list again after an ERROR event with 410, the way a watch cache says the version is too old', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(res => {
            stream(event('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 }))(res);
            res.end();
        });
        await start();
        api.items = [];
        api.listVersion = '50';
        await until('the deletion the second list shows', () => events.find(([type]) => type === 'deleted'));
        assert.deepEqual(events, [['added', 'ws-a'], ['deleted', 'ws-a']]);
        assert.deepEqual(errors, []);
    });

    it('should retry a refused watch with backoff, reporting the server\'s refusal, and watch again', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(tooManyRequests, tooManyRequests, stream(event('MODIFIED', pod('ws-a', '11', 'Failed'))));
        await start();
        await until('the MODIFIED event after two refusals', () => events.find(([type]) => type === 'modified'), 5_000);
        assert.equal(api.watches.length, 3);
        assert.deepEqual(errors, ['Too Many Requests', 'Too Many Requests']);
        assert.equal(api.lists, 1, 'a refusal other than 410 keeps the version: no list');
    });

    it('should back off from an ERROR event other than 410 instead of reopening at once', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(res => {
            stream(event('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', reason: 'InternalError', code: 500 }))(res);
            res.end();
        });
        await start();
        await until('the error', () => errors[0]);
        assert.match(errors[0], /etcdserver: request timed out/);
        await until('the watch reopened from the same version', () => api.watches[1]);
        assert.equal(api.watches[1].resourceVersion, '10');
    });

    it('should not keep a watch that ended before stop(), nor start one after it', async () => {
        api.items = [pod('ws-a', '9')];
        api.scripts.push(noAnswer);
        void start(300);
        await until('the watch asked for', () => api.watches[0]);
        informer!.stop();
        await new Promise(resolve => setTimeout(resolve, 800));
        assert.equal(api.watches.length, 1);
        assert.deepEqual(errors, []);
    });
});
