import * as http from 'http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Phase } from './lifecycle/phase';
import { SqliteStore } from './store/sqlite-store';

const PHASES: Phase[] = ['pending', 'creating', 'starting', 'running', 'stopping', 'stopped', 'failed', 'deleting'];

/** The manager's Prometheus metrics, health and readiness, on an HTTP port of their own. */
export class ManagerMetrics {
    readonly registry = new Registry();
    readonly reconcileErrors = new Counter({ name: 'warren_reconcile_errors_total', help: 'Reconcile steps that threw (retried on the next pass)', registers: [this.registry] });
    readonly transitions = new Histogram({
        name: 'warren_workspace_transition_seconds', help: 'How long a workspace start or stop took', labelNames: ['kind'],
        buckets: [0.5, 1, 2, 3, 4, 6, 10, 20, 60], registers: [this.registry]
    });
    protected ready = false;

    /** What /metrics serves: the manager's registry and any others given (the gateway's). */
    protected readonly served: Registry;

    constructor(store: SqliteStore, extra: Registry[] = []) {
        new Gauge({
            name: 'warren_workspaces', help: 'Workspaces by phase', labelNames: ['phase'], registers: [this.registry],
            collect() {
                const counts = new Map<Phase, number>(PHASES.map(p => [p, 0]));
                store.listWorkspaces().forEach(ws => counts.set(ws.status.phase, (counts.get(ws.status.phase) ?? 0) + 1));
                counts.forEach((n, phase) => this.set({ phase }, n));
            }
        });
        // merge copies the metrics registered so far: every metric exists by now.
        this.served = extra.length ? Registry.merge([this.registry, ...extra]) : this.registry;
    }

    setReady(ready: boolean): void {
        this.ready = ready;
    }

    listen(port: number, host: string): Promise<http.Server> {
        const server = http.createServer((req, res) => {
            if (req.url === '/metrics') {
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
