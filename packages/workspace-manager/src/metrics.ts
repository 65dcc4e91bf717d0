import * as http from 'http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Phase, PHASES } from '@warren/workspace-api';
import { WorkspaceClass } from './classes';
import { WorkspaceStore } from './store/workspace-store';

/** More routes on the same port: path → handler (the IDEs' heartbeats). */
export type ExtraRoutes = Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;

/** The manager's Prometheus metrics, health and readiness, on an HTTP port of their own. */
export class ManagerMetrics {
    readonly registry = new Registry();
    readonly reconcileErrors = new Counter({ name: 'warren_reconcile_errors_total', help: 'Reconcile steps that threw (retried on the next pass)', registers: [this.registry] });
    readonly transitions = new Histogram({
        name: 'warren_workspace_transition_seconds', help: 'How long a workspace start or stop took', labelNames: ['kind'],
        buckets: [0.5, 1, 2, 3, 4, 6, 10, 20, 60], registers: [this.registry]
    });
    readonly idleStops = new Counter({ name: 'warren_idle_stops_total', help: 'Stops the idle clock asked for', registers: [this.registry] });
    readonly stopsHeldBack = new Counter({
        name: 'warren_stops_held_back_total', help: 'Stops held back because the IDE could not save everything (counted once per stop)', registers: [this.registry]
    });
    protected ready = false;

    /** What /metrics serves: the manager's registry and any others given (the gateway's). */
    protected readonly served: Registry;

    constructor(store: WorkspaceStore, extra: Registry[] = [], classes: ReadonlyMap<string, WorkspaceClass> = new Map()) {
        new Gauge({
            name: 'warren_workspaces', help: 'Workspaces by phase', labelNames: ['phase'], registers: [this.registry],
            async collect() {
                const counts = new Map<Phase, number>(PHASES.map(p => [p, 0]));
                (await store.listWorkspaces()).forEach(ws => counts.set(ws.status.phase, (counts.get(ws.status.phase) ?? 0) + 1));
                counts.forEach((n, phase) => this.set({ phase }, n));
            }
        });
        new Gauge({
            name: 'warren_workspace_gpus', help: 'GPUs held by starting and running workspaces, by tenant and resource (from their classes)',
            labelNames: ['tenant', 'resource'], registers: [this.registry],
            async collect() {
                this.reset();
                for (const ws of await store.listWorkspaces()) {
                    const c = classes.get(ws.className);
                    if (c?.gpuResource && (ws.status.phase === 'starting' || ws.status.phase === 'running')) {
                        this.inc({ tenant: ws.tenant, resource: c.gpuResource }, c.gpuCount ?? 1);
                    }
                }
            }
        });
        // merge copies the metrics registered so far: every metric exists by now.
        this.served = extra.length ? Registry.merge([this.registry, ...extra]) : this.registry;
    }

    setReady(ready: boolean): void {
        this.ready = ready;
    }

    listen(port: number, host: string, routes: ExtraRoutes = new Map()): Promise<http.Server> {
        const server = http.createServer((req, res) => {
            const route = routes.get(req.url ?? '');
            if (route) {
                route(req, res);
            } else if (req.url === '/metrics') {
                this.served.metrics().then(text => {
                    res.writeHead(200, { 'Content-Type': this.served.contentType });
                    res.end(text);
                }, err => { res.writeHead(500); res.end(String(err)); });
            } else if (req.url === '/healthz') {
                res.writeHead(200).end('ok\n');
            } else if (req.url === '/readyz') {
                res.writeHead(this.ready ? 200 : 503).end(this.ready ? 'ready\n' : 'starting\n');
            } else {
                res.writeHead(404).end('not found: try /metrics, /healthz or /readyz\n');
            }
        });
        return new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, host, () => resolve(server));
        });
    }
}
