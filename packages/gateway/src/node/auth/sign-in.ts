import express = require('express');
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { GatewayMetrics } from '../metrics';
import { Identity, SessionStore } from './auth-store';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { Users } from './users';

/** What a sign-in method gets from the gateway: how to finish a sign-in, and its rate limiter. */
export interface SignInContext {
    /** Makes the session and sets its cookie; the caller then redirects or answers. */
    complete(res: express.Response, who: Identity, method: string): Promise<void>;
    /** At most a few failed attempts a minute from one address, and fewer for one user name: before any password hash. */
    readonly limiter: express.RequestHandler[];
    readonly metrics: GatewayMetrics;
}

/**
 * One way to prove who you are. Each adds its own routes and ends in context.complete(); an OIDC
 * method would add GET /login/oidc (redirect to the provider) and its callback, and nothing else changes.
 */
export interface SignInMethod {
    readonly id: string;
    /** Whether the sign-in page should offer it now (password: only once users exist). */
    offered(): Promise<boolean>;
    install(router: express.Router, context: SignInContext): void;
}

/** A login link works once, for an hour, and only until a newer one is made. */
export const LOGIN_LINK_TTL_MS = 60 * 60 * 1000;

/** A new login link for `who` on the gateway at `origin`; the user's older links stop working. */
export async function newLoginUrl(store: SessionStore, origin: string, who: Identity): Promise<string> {
    return `${origin}/login?token=${await store.createLoginToken(who, LOGIN_LINK_TTL_MS)}`;
}

/**
 * The sign-in limits, in order: failed attempts a minute from one address, whatever the user names
 * (so that new names each time do not each cost a hash), then from one address for one user name
 * (so that one person's typos do not lock out everyone behind the same proxy). Both run before the
 * method's handler, so that a refused attempt costs no hash.
 */
export function signInLimiter(perAddressPerMinute: number, perUserPerMinute: number): express.RequestHandler[] {
    // express-rate-limit is typed against the hoisted @types/express 4 (Theia's); it works with express 5.
    const limit = (perMinute: number, key: (req: express.Request) => string): express.RequestHandler => rateLimit({
        windowMs: 60_000,
        limit: perMinute,
        skipSuccessfulRequests: true,
        // A refused login link answers with a redirect to the sign-in page: it still counts.
        requestWasSuccessful: (_req, res) => res.statusCode < 400 && !res.locals.signInRefused,
        standardHeaders: 'draft-8',
        keyGenerator: req => key(req as unknown as express.Request),
        legacyHeaders: false,
        handler: (_req, res) => {
            res.status(429).json({ error: 'Too many sign-in attempts: wait a minute and try again.' });
        }
    }) as unknown as express.RequestHandler;
    const address = (req: express.Request): string => ipKeyGenerator(req.ip ?? '');
    return [
        limit(perAddressPerMinute, address),
        limit(perUserPerMinute, req => {
            const user = (req.body as { username?: unknown } | undefined)?.username;
            return `${address(req)}|${typeof user === 'string' ? user.trim().toLowerCase().slice(0, 64) : ''}`;
        })
    ];
}

/** The embedded default: `warren serve` prints /login?token=...; the token works once, within the hour (newLoginUrl). */
export class LoginTokenSignIn implements SignInMethod {
    readonly id = 'token';

    constructor(protected readonly store: SessionStore) { }

    async offered(): Promise<boolean> {
        return true;
    }

    install(router: express.Router, context: SignInContext): void {
        router.get('/login', ...context.limiter, async (req, res, next) => {
            const token = req.query.token;
            if (token === undefined) {
                next();
                return;
            }
            const who = typeof token === 'string' ? await this.store.consumeLoginToken(token) : undefined;
            context.metrics.signIns.inc({ method: this.id, result: who ? 'ok' : 'refused' });
            if (!who) {
                res.locals.signInRefused = true;
                res.redirect(303, `/login?error=${encodeURIComponent('This login link was used already, has expired, or a newer one was made. Run "warren login-url" for a new one.')}`);
                return;
            }
            await context.complete(res, who, this.id);
            res.redirect(303, '/');
        });
    }
}

/** User name and password, for users from the users file or "warren user add". */
export class PasswordSignIn implements SignInMethod {
    readonly id = 'password';

    constructor(protected readonly users: Users) { }

    offered(): Promise<boolean> {
        return this.users.any();
    }

    install(router: express.Router, context: SignInContext): void {
        router.post('/api/v1/session', ...context.limiter, async (req, res) => {
            const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
            if (typeof username !== 'string' || typeof password !== 'string' || !username || !password || username.length > 64 || password.length > 1024) {
                res.status(400).json({ error: 'Send {"username": "...", "password": "..."}: both are required (at most 64 and 1024 characters).' });
                return;
            }
            const user = await this.users.find(username.trim().toLowerCase());
            // Unknown users cost the same scrypt as known ones, so timing does not tell which exist.
            context.metrics.passwordHashes.inc();
            const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH) && user !== undefined;
            context.metrics.signIns.inc({ method: this.id, result: ok ? 'ok' : 'refused' });
            if (!ok || !user) {
                res.status(401).json({ error: 'Wrong user name or password.' });
                return;
            }
            await context.complete(res, user, this.id);
            res.status(204).end();
        });
    }
}
