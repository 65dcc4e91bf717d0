import { ILogger } from '@theia/core/lib/common/logger';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import * as express from '@theia/core/shared/express';
import { inject, injectable } from '@theia/core/shared/inversify';
import {
    IDE_ENDPOINTS_PATH, IDLE_WARNING_PATH, IdleWarningResponse, PREPARE_STOP_PATH, PrepareStopRefusal, PrepareStopResponse
} from '@warren/workspace-api/lib/ide-contract';
import { createHash, timingSafeEqual } from 'crypto';
import { IdleWarning } from '../common/activity-protocol';
import { ActivityClients } from './activity-clients';
import { ActivityConfig } from './activity-config';
import { ActivityTracker } from './activity-tracker';

/** An answer other than 2xx, with the message the caller gets as `{"error": …}` and, if given, more fields of the body. */
class HttpError extends Error {
    constructor(readonly status: number, message: string, readonly body?: object) {
        super(message);
    }
}

/**
 * What the workspace manager calls in this IDE (the contract is @warren/workspace-api's ide-contract),
 * on the IDE backend's own HTTP server under IDE_ENDPOINTS_PATH; every call needs the workspace's token.
 * Off (404) when the IDE runs without Warren.
 *
 * - `POST IDLE_WARNING_PATH {"stopsInSeconds": 120}`: every frontend shows a warning → 200 IdleWarningResponse `{"clients": n}`.
 * - `POST PREPARE_STOP_PATH`, before every stop: every frontend saves its dirty editors → 200 PrepareStopResponse
 *   `{"clients": n, "saved": m}`, or 409 PrepareStopRefusal `{"error": …, "unsaved": […]}` naming each editor that
 *   could not be saved and why, so that the manager holds the stop back.
 */
@injectable()
export class IdleEndpoints implements BackendApplicationContribution {

    @inject(ActivityConfig) protected readonly config: ActivityConfig;
    @inject(ActivityClients) protected readonly clients: ActivityClients;
    @inject(ActivityTracker) protected readonly tracker: ActivityTracker;
    @inject(ILogger) protected readonly logger: ILogger;

    configure(app: express.Application): void {
        const router = express.Router();
        router.use((req, _res, next) => next(this.refusal(req)));
        router.post(subPath(IDLE_WARNING_PATH), express.json({ limit: '16kb' }), this.handle(req => this.warnIdle(req)));
        router.post(subPath(PREPARE_STOP_PATH), this.handle(() => this.prepareStop()));
        router.use((req, _res, next) => next(new HttpError(404, `No such endpoint: ${req.method} ${req.originalUrl}`)));
        // Express's error-handling middleware is told apart by its four parameters.
        router.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
            const status = err instanceof HttpError ? err.status : err.status ?? 500;
            if (status >= 500) {
                this.logger.error('Warren idle stop: an endpoint failed', err);
            }
            const error = err.type === 'entity.parse.failed' ? `The body is not valid JSON: ${err.message}` : err.message;
            res.status(status).json({ error, ...(err instanceof HttpError ? err.body : undefined) });
        });
        app.use(IDE_ENDPOINTS_PATH, router);
    }

    /** 404 while the feature is off, 401 without the workspace's token. */
    protected refusal(req: express.Request): HttpError | undefined {
        if (!this.config.enabled) {
            return new HttpError(404, `Warren idle stop is off in this IDE: ${this.config.reason}`);
        }
        const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        if (presented === undefined || !sameSecret(presented, this.config.token)) {
            return new HttpError(401, 'A valid "Authorization: Bearer <workspace token>" header is required.');
        }
        return undefined;
    }

    protected handle(fn: (req: express.Request) => Promise<unknown>): express.RequestHandler {
        return (req, res, next) => {
            fn(req).then(body => res.status(200).json(body), next);
        };
    }

    protected async warnIdle(req: express.Request): Promise<IdleWarningResponse> {
        if (!req.is('application/json')) {
            throw new HttpError(400, 'Send the body as JSON, with "Content-Type: application/json".');
        }
        const warning = parseIdleWarning(req.body);
        this.tracker.onDidWarnIdle();
        const clients = this.clients.warnIdle(warning);
        this.logger.info(`Warren idle stop: warned ${clients} frontend(s) that the workspace stops in ${warning.stopsInSeconds} s.`);
        return { clients };
    }

    protected async prepareStop(): Promise<PrepareStopResponse> {
        const { clients, saved, unsaved } = await this.clients.saveAll();
        if (unsaved.length) {
            this.logger.warn(`Warren idle stop: refusing the stop, not everything could be saved: ${unsaved.join('; ')}`);
            const refusal: PrepareStopRefusal = { error: `Not everything could be saved: ${unsaved.join('; ')}`, unsaved };
            throw new HttpError(409, refusal.error, refusal);
        }
        this.clients.announceStop();
        this.logger.info(`Warren idle stop: ${clients} frontend(s) saved ${saved} editor(s); ready to stop.`);
        return { clients, saved };
    }
}

/** Checks an idle-warning body, with the message the workspace manager's developer needs when it is wrong. */
export function parseIdleWarning(body: unknown): IdleWarning {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).stopsInSeconds : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new HttpError(400, `The body must be JSON {"stopsInSeconds": <seconds, a number from 0 up>}; stopsInSeconds is ${JSON.stringify(value) ?? 'missing'}.`);
    }
    return { stopsInSeconds: value };
}

/** A contract path (`/_warren/v1/prepare-stop`) as the router below IDE_ENDPOINTS_PATH sees it (`/prepare-stop`). */
function subPath(path: string): string {
    if (!path.startsWith(`${IDE_ENDPOINTS_PATH}/`)) {
        throw new Error(`${path} is not below ${IDE_ENDPOINTS_PATH}`);
    }
    return path.slice(IDE_ENDPOINTS_PATH.length);
}

/** Compares secrets in constant time; hashing first gives both sides the same length. */
function sameSecret(a: string, b: string): boolean {
    const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
    return timingSafeEqual(digest(a), digest(b));
}
