import { posix } from 'path';

/**
 * Whether a request target names the IDE's `/_warren/` control endpoints, however it is spelled:
 * in any case (the IDE's router ignores case), percent-encoded, with dot segments, doubled slashes
 * or backslashes. A target that is not a path (absolute-form, `*`) counts too: browsers never send
 * one to a site, and servers read them differently.
 */
export function isControlPath(target: string | undefined): boolean {
    if (!target?.startsWith('/')) {
        return true;
    }
    let path = target.split(/[?#]/, 1)[0];
    // Decoded until nothing changes, so that %255F is no way around it either; byte-wise, which is exact for ASCII.
    for (let previous = ''; previous !== path;) {
        previous = path;
        path = path.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    const slashes = path.replace(/\\/g, '/').toLowerCase();
    // As the IDE's router reads it (no dot segments resolved), and as a server that resolves them does.
    return [slashes.replace(/\/{2,}/g, '/'), posix.normalize(slashes)].some(p => p === '/_warren' || p.startsWith('/_warren/'));
}
