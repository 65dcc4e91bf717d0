import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Every metric is made here, in the constructor, because the
 * manager's endpoint merges this registry once at its start.
 */
export class GatewayMetrics {
    readonly registry = new Registry();
    readonly openConnections = new Gauge({
        name: 'warren_gateway_open_websockets', help: 'WebSockets proxied to workspace IDEs now', registers: [this.registry]
    });
    readonly requests = new Counter({
        name: 'warren_gateway_proxied_requests_total', help: 'HTTP requests and WebSocket upgrades proxied to workspace IDEs, by kind and status class',
        labelNames: ['kind', 'code'], registers: [this.registry]
    });
    readonly bytes = new Counter({
        name: 'warren_gateway_proxied_bytes_total', help: 'Bytes proxied, by direction (in: from browsers; out: to browsers)',
        labelNames: ['direction'], registers: [this.registry]
    });
    readonly errors = new Counter({
        name: 'warren_gateway_proxy_errors_total', help: 'Proxied requests that failed, by reason',
        labelNames: ['reason'], registers: [this.registry]
    });
    readonly refused = new Counter({
        name: 'warren_gateway_refused_total', help: 'Requests refused before the proxy, by reason (no session, foreign origin, not found)',
        labelNames: ['reason'], registers: [this.registry]
    });
    readonly signIns = new Counter({
        name: 'warren_gateway_sign_ins_total', help: 'Sign-in attempts by method and result',
        labelNames: ['method', 'result'], registers: [this.registry]
    });
    readonly passwordHashes = new Counter({
        name: 'warren_password_hashes_total', help: 'scrypt hashes computed to check a password at sign-in (the sign-in limits apply before each)',
        registers: [this.registry]
    });
    readonly endedConnections = new Counter({
        name: 'warren_gateway_ended_connections_total', help: 'Open connections closed because their session ended (signed out, user removed, expired)',
        registers: [this.registry]
    });
}
