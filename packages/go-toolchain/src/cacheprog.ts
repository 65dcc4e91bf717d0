import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { warrenCacheDir } from './cache-dir';
import { ToolchainError } from './errors';
import { run } from './exec';
import { GoInfo } from './find-go';

/** The Go source of warren-gocacheprog, the workspaces' GOCACHEPROG (doc/go-build-cache.md). */
const SOURCE_DIR = path.join(__dirname, '..', 'cacheprog');
const SOURCES = ['go.mod', 'main.go'];

/**
 * Where the build of this source is kept: <cache>/tools/warren-gocacheprog-<hash of the source>/warren-gocacheprog.
 * Undefined where the source is not installed (the control-plane image, whose workspaces are pods).
 */
export function cacheProgPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const hash = crypto.createHash('sha256');
    for (const name of SOURCES) {
        const file = path.join(SOURCE_DIR, name);
        if (!fs.existsSync(file)) {
            return undefined;
        }
        hash.update(fs.readFileSync(file));
    }
    return path.join(warrenCacheDir(env), 'tools', `warren-gocacheprog-${hash.digest('hex').slice(0, 12)}`, 'warren-gocacheprog');
}

/** Builds warren-gocacheprog with go (the standard library only: no download) unless this source's build is there. */
export async function ensureCacheProg(go: GoInfo, env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => undefined): Promise<string> {
    const binary = cacheProgPath(env);
    if (!binary) {
        throw new ToolchainError(`The source of warren-gocacheprog is not installed (${SOURCE_DIR}).`, 'tool-missing');
    }
    if (fs.existsSync(binary)) {
        return binary;
    }
    const target = path.dirname(binary);
    const staging = `${target}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const started = Date.now();
    try {
        await run(go.path, ['build', '-trimpath', '-o', path.join(staging, 'warren-gocacheprog'), '.'],
            { cwd: SOURCE_DIR, env: { ...env, CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '' }, timeoutMs: 5 * 60_000 });
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(staging, target);
    } catch (err) {
        fs.rmSync(staging, { recursive: true, force: true });
        throw new ToolchainError(`Building warren-gocacheprog failed: ${(err as Error).message}`, 'install-failed');
    }
    log(`built warren-gocacheprog in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return binary;
}
