import * as k8s from '@kubernetes/client-node';
import * as os from 'os';
import * as crypto from 'crypto';
import { apiFailure, explain, isAlreadyExists, isNotFound, KubeClients } from './kube';

export interface LeaderElectionOptions {
    namespace: string;
    /** The Lease's name. */
    name: string;
    /** Who this replica is; default host name, pid and a random suffix. */
    identity?: string;
    /** How long a lease holds without renewal (client-go's default 15 s). */
    leaseSeconds?: number;
    /** A leader that could not renew for this long steps down (default 10 s). */
    renewDeadlineMs?: number;
    /** How often to try to acquire or renew (default 2 s). */
    retryMs?: number;
    onStartedLeading(): void;
    /** Leadership was lost (or given up): stop acting at once. */
    onStoppedLeading(): void;
    log(entry: Record<string, unknown>): void;
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go's leaderelection does it: every
 * replica tries to acquire; the holder renews every retry period; a lease is free when it was not
 * renewed within its duration, measured on this replica's own clock from when it last saw the
 * record change (clocks of replicas need not agree); every write carries the resourceVersion read,
 * so two replicas never both win. No maintained implementation exists on npm, hence this one.
 */
export class LeaderElector {
    readonly identity: string;
    protected leading = false;
    protected timer?: NodeJS.Timeout;
    protected stopped = false;
    /** The last record seen and when (this replica's clock). */
    protected observed?: { holder?: string; renewTime?: string; transitions: number; at: number };
    protected lastRenew = 0;

    constructor(protected readonly kube: KubeClients, protected readonly options: LeaderElectionOptions) {
        this.identity = options.identity ?? `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
    }

    get isLeader(): boolean {
        return this.leading;
    }

    start(): void {
        this.stopped = false;
        void this.tick();
    }

    /** Stops trying; a leader gives the lease up so that another replica takes over at once. */
    async stop(): Promise<void> {
        this.stopped = true;
        clearTimeout(this.timer);
        if (this.leading) {
            this.setLeading(false);
            await this.release().catch(() => undefined);
        }
    }

    protected get leaseSeconds(): number {
        return this.options.leaseSeconds ?? 15;
    }

    protected async tick(): Promise<void> {
        try {
            await this.tryAcquireOrRenew();
        } catch (err) {
            this.options.log({ level: 'warn', msg: 'leader election: could not read or write the lease', lease: `${this.options.namespace}/${this.options.name}`, error: explain(err, 'hold the leader lease', this.kube.server).message });
        }
        if (this.leading && Date.now() - this.lastRenew > (this.options.renewDeadlineMs ?? 10_000)) {
            this.options.log({ level: 'warn', msg: 'leader election: the lease could not be renewed in time; stepping down', identity: this.identity });
            this.setLeading(false);
        }
        if (!this.stopped) {
            this.timer = setTimeout(() => void this.tick(), this.options.retryMs ?? 2_000);
            this.timer.unref();
        }
    }

    protected async tryAcquireOrRenew(): Promise<void> {
        const { namespace, name } = this.options;
        const now = new k8s.V1MicroTime();
        let lease: k8s.V1Lease;
        try {
            lease = await this.kube.coordination.readNamespacedLease({ namespace, name });
        } catch (err) {
            if (!isNotFound(err)) {
                throw err;
            }
            try {
                await this.kube.coordination.createNamespacedLease({
                    namespace,
                    body: {
                        metadata: { name, namespace },
                        spec: { holderIdentity: this.identity, leaseDurationSeconds: this.leaseSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 }
                    }
                });
                this.won();
            } catch (e) {
                if (!isAlreadyExists(e)) {
                    throw e;
                }
            }
            return;
        }
        const spec = lease.spec ?? {};
        const record = { holder: spec.holderIdentity, renewTime: spec.renewTime ? new Date(spec.renewTime).toISOString() : undefined, transitions: spec.leaseTransitions ?? 0 };
        if (!this.observed || this.observed.holder !== record.holder || this.observed.renewTime !== record.renewTime) {
            this.observed = { ...record, at: Date.now() };
        }
        const mine = record.holder === this.identity;
        const expired = !record.holder || Date.now() > this.observed.at + (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
        if (!mine && !expired) {
            if (this.leading) {
                this.setLeading(false); // someone else holds it now
            }
            return;
        }
        const body: k8s.V1Lease = {
            ...lease,
            spec: {
                ...spec, holderIdentity: this.identity, leaseDurationSeconds: this.leaseSeconds, renewTime: now,
                ...(mine ? {} : { acquireTime: now, leaseTransitions: record.transitions + 1 })
            }
        };
        try {
            await this.kube.coordination.replaceNamespacedLease({ namespace, name, body });
            this.won();
        } catch (err) {
            if (apiFailure(err).code !== 409) {
                throw err;
            }
            // Someone wrote first: read again on the next tick.
        }
    }

    protected won(): void {
        this.lastRenew = Date.now();
        if (!this.leading) {
            this.options.log({ level: 'info', msg: 'leader election: this replica leads', identity: this.identity, lease: `${this.options.namespace}/${this.options.name}` });
            this.setLeading(true);
        }
    }

    protected setLeading(leading: boolean): void {
        if (this.leading === leading) {
            return;
        }
        this.leading = leading;
        if (leading) {
            this.options.onStartedLeading();
        } else {
            this.options.onStoppedLeading();
        }
    }

    protected async release(): Promise<void> {
        const { namespace, name } = this.options;
        const lease = await this.kube.coordination.readNamespacedLease({ namespace, name });
        if (lease.spec?.holderIdentity !== this.identity) {
            return;
        }
        // A lease of 1 s that ended a moment ago: the next replica takes it on its next try.
        await this.kube.coordination.replaceNamespacedLease({
            namespace, name, body: { ...lease, spec: { ...lease.spec, leaseDurationSeconds: 1, renewTime: new k8s.V1MicroTime(Date.now() - 2_000) } }
        });
    }
}
