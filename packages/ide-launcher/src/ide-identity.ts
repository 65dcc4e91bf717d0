import * as crypto from 'crypto';

/**
 * What an IDE answers at IDE_IDENTITY_PATH to prove that it holds its workspace's secret without
 * showing it: HMAC-SHA256 of the caller's nonce. A program that took the IDE's port cannot answer.
 */
export function identityProof(secret: string, nonce: string): string {
    return crypto.createHmac('sha256', secret).update(`warren-ide-identity:${nonce}`).digest('base64url');
}

/** Asks the IDE at url to prove it is the one holding secret; false for no answer, a wrong one, or anything else listening there. */
export async function ideProvesIdentity(url: string, secret: string, paths: { identity: string; nonceHeader: string }, timeoutMs = 2_000): Promise<boolean> {
    const nonce = crypto.randomBytes(16).toString('base64url');
    try {
        const res = await fetch(new URL(paths.identity, url), { headers: { [paths.nonceHeader]: nonce }, signal: AbortSignal.timeout(timeoutMs) });
        const body = (await res.json()) as { proof?: unknown };
        const expected = Buffer.from(identityProof(secret, nonce));
        const given = Buffer.from(String(body.proof ?? ''));
        return res.status === 200 && given.length === expected.length && crypto.timingSafeEqual(given, expected);
    } catch {
        return false;
    }
}
