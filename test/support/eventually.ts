/** Polls fn until it returns a value, or fails with the last error it saw. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
        try {
            const value = await fn();
            if (value !== undefined) {
                return value;
            }
        } catch (err) {
            last = err;
        }
        await new Promise(resolve => setTimeout(resolve, 250));
    }
    throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}
