/**
 * Polls fn until it returns a value (anything but undefined), or fails with what it waited for and
 * the last error fn threw. The one poll-until of the tests and benches: every wait for something to
 * happen goes through it, never a sleep.
 */
export async function eventually<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const value = await fn();
            if (value !== undefined) {
                return value;
            }
        } catch (err) {
            last = err;
        }
        if (Date.now() > deadline) {
            throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
        }
        await new Promise(resolve => setTimeout(resolve, intervalMs));
    }
}
