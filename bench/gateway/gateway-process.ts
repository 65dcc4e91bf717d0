/**
 * The gateway of the gateway bench, run as a child process (see server-process.ts): Warren's own `startGateway`, as
 * `warren serve` starts it (the idle stop is the workspace manager's, not the gateway's: the activity the proxy reports
 * goes nowhere here), on a free port of 127.0.0.1 with a temporary data folder, in front of the echo backend whose
 * port is the first argument (see echo-workspace-directory.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startGateway } from '@warren/gateway';
import { freePort } from '@warren/ide-launcher';
import { BENCH_TENANT, EchoWorkspaceDirectory } from './echo-workspace-directory';
import { serveParent, StartedServer } from './server-process';

/** What the gateway tells the bench once it listens. */
export interface GatewayInfo {
    /** The public address, http://localhost:<port>. */
    url: string;
    port: number;
    /** A one-time sign-in link for the owner (user and tenant `bench`). */
    loginUrl: string;
    /** Removed by the child when it stops, and by the bench's cleanup in case the child could not. */
    dataDir: string;
}

export async function startBenchGateway(backendPort: number): Promise<StartedServer<GatewayInfo>> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-gateway-'));
    try {
        const port = await freePort();
        const gateway = await startGateway({
            dataDir,
            publicUrl: new URL(`http://localhost:${port}`),
            port,
            directory: new EchoWorkspaceDirectory(`http://127.0.0.1:${backendPort}/`),
            owner: { user: 'bench', tenant: BENCH_TENANT },
            log: () => undefined
        });
        return {
            info: { url: gateway.url, port, loginUrl: await gateway.loginUrl(), dataDir },
            stop: async () => {
                await gateway.stop();
                fs.rmSync(dataDir, { recursive: true, force: true });
            }
        };
    } catch (err) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        throw err;
    }
}

if (require.main === module) {
    const backendPort = Number(process.argv[2]);
    serveParent(() => Number.isInteger(backendPort) && backendPort > 0
        ? startBenchGateway(backendPort)
        : Promise.reject(new Error(`the echo backend's port is missing: got ${process.argv[2]}`)));
}
