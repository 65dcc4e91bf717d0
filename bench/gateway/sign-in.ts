import { BrowserLike } from '@warren/testing';
import { BENCH_TENANT, BENCH_WORKSPACE } from './echo-workspace-directory';
import { PAGE_BYTES } from './echo-backend';

/** What signIn needs of a gateway in front of the echo backend. */
export interface BenchGateway {
    url: string;
    port: number;
    loginUrl: string;
}

/** Signs in as a browser does and opens the workspace: its origin's cookie ends in the jar. */
export async function signIn(gateway: BenchGateway): Promise<{ browser: BrowserLike; origin: string }> {
    const browser = new BrowserLike(gateway.port);
    await browser.navigate(gateway.loginUrl);
    const opened = await browser.navigate(`${gateway.url}/open/${BENCH_WORKSPACE}/go`);
    const origin = `http://${BENCH_WORKSPACE}--${BENCH_TENANT}.localhost:${gateway.port}`;
    if (opened.url !== `${origin}/` || opened.status !== 200 || opened.body.length !== PAGE_BYTES) {
        throw new Error(`opening the workspace ended at ${opened.url} with ${opened.status} and ${opened.body.length} bytes, `
            + `not at ${origin}/ with 200 and the backend's page: ${opened.body.slice(0, 200)}`);
    }
    return { browser, origin };
}
