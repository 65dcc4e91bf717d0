import { freePort, IdeHandle, startIde } from '@warren/ide-launcher';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// compiled to test/lib/support/
export const REPO = path.resolve(__dirname, '..', '..', '..');

export interface TestIde extends IdeHandle {
    workspace: string;
    dispose(): Promise<void>;
}

/**
 * The real IDE on a copy of examples/hello, with a temporary HOME and config folder so that
 * go, gopls, Theia and chromium write nothing outside the test's own folder.
 */
export async function startTestIde(example = 'hello', extraEnv: NodeJS.ProcessEnv = {}): Promise<TestIde> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-e2e-'));
    const workspace = path.join(tmp, 'workspace');
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    fs.cpSync(path.join(REPO, 'examples', example), workspace, { recursive: true });
    const ide = await startIde({
        workspace,
        configDir: path.join(tmp, 'ide-config'),
        port: await freePort(),
        env: { ...process.env, HOME: home, GOPATH: path.join(home, 'go'), GOCACHE: path.join(home, '.cache', 'go-build'), GOTELEMETRY: 'off', ...extraEnv }
    });
    return {
        ...ide,
        workspace,
        dispose: async () => {
            await ide.stop();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    };
}
