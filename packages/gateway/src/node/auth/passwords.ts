import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'crypto';

/** scrypt with N = 2^15, r = 8, p = 1 (OWASP's recommendation): about 50 ms and 32 MiB a check. */
const COST = { ln: 15, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
    const options: ScryptOptions = { N: 2 ** ln, r, p, maxmem: 256 * 2 ** ln * r };
    return new Promise((resolve, reject) => scrypt(password, salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A password hash in PHC string format: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no padding). */
export async function hashPassword(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, COST.ln, COST.r, COST.p);
    return `$scrypt$ln=${COST.ln},r=${COST.r},p=${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

/** Why a stored hash is not usable, or undefined when it is. */
export function checkPasswordHash(hash: unknown): string | undefined {
    if (typeof hash !== 'string' || !PHC.test(hash)) {
        return 'must be a scrypt hash such as "$scrypt$ln=15,r=8,p=1$..." (make one with "warren user hash-password").';
    }
    const [, ln, r, p] = PHC.exec(hash)!.map(Number);
    if (ln < 14 || ln > 20 || r < 8 || p < 1) {
        return 'uses scrypt parameters weaker than ln=14,r=8,p=1 or stronger than ln=20: make a new one with "warren user hash-password".';
    }
    return undefined;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
    const m = PHC.exec(hash);
    if (!m) {
        return false;
    }
    const expected = Buffer.from(m[5], 'base64url');
    const key = await derive(password, Buffer.from(m[4], 'base64url'), Number(m[1]), Number(m[2]), Number(m[3]));
    return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash to check against when the user does not exist, so that unknown and known users take the same time. */
export const DUMMY_HASH = '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
