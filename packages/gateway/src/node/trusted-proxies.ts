import * as net from 'net';
import { printable } from '@warren/workspace-api';

/** The ranges Express's `trust proxy` knows by name. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(entry: string): boolean {
    const [address, bits, ...rest] = entry.split('/');
    const family = net.isIP(address);
    if (!family || rest.length) {
        return false;
    }
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * The reverse proxies whose X-Forwarded-For the gateway believes (for the sign-in limit): addresses
 * and CIDR ranges, from a comma-separated `--trust-proxy` or a list. Anyone else's X-Forwarded-For is
 * ignored, so that a client cannot pick a new address for each attempt.
 */
export function trustedProxies(value: string | readonly string[]): string[] {
    const list = (typeof value === 'string' ? value.split(',') : [...value]).map(entry => entry.trim()).filter(entry => entry);
    const bad = list.filter(entry => !NAMED_RANGES.includes(entry) && !isAddressOrRange(entry));
    if (bad.length || !list.length) {
        const what = bad.length ? bad.map(entry => `"${printable(entry)}"`).join(', ') + (bad.length > 1 ? ' are not addresses' : ' is not an address') : 'No address was given';
        throw new Error(`Trusted proxies: ${what}. Give the addresses or CIDR ranges of the reverse proxies in front of Warren, comma-separated, ` +
            `such as --trust-proxy 10.0.0.5,192.168.1.0/24 (or loopback, linklocal, uniquelocal).`);
    }
    return list;
}
