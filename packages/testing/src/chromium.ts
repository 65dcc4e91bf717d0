import * as fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium, or CHROMIUM_PATH. The test command installs it; this says what to do when it is missing. */
export function chromiumPath(): string {
    const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
    const found = candidates.find(p => fs.existsSync(p));
    if (!found) {
        throw new Error('Chromium was not found. Install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH.');
    }
    return found;
}

/**
 * Headless chromium with nothing that reaches out to the network: this machine reaches only package
 * registries, and chromium's background services would fail loudly and slowly.
 */
export function launchChromium(options: { resolve?: Record<string, string> } = {}): Promise<Browser> {
    // resolve: host name patterns (such as *.warren.test) and the address they stand for, as DNS would give them
    const rules = Object.entries(options.resolve ?? {}).map(([host, address]) => `MAP ${host} ${address}`);
    return chromium.launch({
        executablePath: chromiumPath(),
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
            ...(rules.length ? [`--host-resolver-rules=${rules.join(', ')}`] : [])]
    });
}
