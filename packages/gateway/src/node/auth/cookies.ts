import { IncomingMessage } from 'http';
import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * Warren's two cookies: the session on the gateway's origin and one per workspace origin. Both are
 * host-only (no Domain), HttpOnly and SameSite=Lax; under TLS they are Secure and carry the
 * __Host- prefix, which makes browsers refuse them from plain HTTP or another host.
 */
export class CookieNames {
    readonly session: string;
    readonly workspace: string;

    constructor(readonly secure: boolean) {
        this.session = secure ? '__Host-warren_session' : 'warren_session';
        this.workspace = secure ? '__Host-warren_ws' : 'warren_ws';
    }

    /** The value of one of these cookies in a request, if it has it. */
    read(req: IncomingMessage, name: string): string | undefined {
        return req.headers.cookie ? parseCookie(req.headers.cookie)[name] : undefined;
    }

    /** A Set-Cookie value; maxAgeSeconds 0 deletes the cookie. */
    set(name: string, value: string, maxAgeSeconds: number): string {
        return stringifySetCookie({ name, value, httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', maxAge: Math.max(0, maxAgeSeconds) });
    }
}
