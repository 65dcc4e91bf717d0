import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './test-ide';

/** As doc/images.md says: runc (crun fails on a cgroups v1 hybrid host), rlimits within the hard limits. */
export const PODMAN_RUNTIME = ['--runtime', '/usr/sbin/runc'];
export const PODMAN_LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

/** Why images cannot be built and run here, or undefined: tests skip with it. */
export function imageToolsMissing(): string | undefined {
    if (process.getuid?.() !== 0) {
        return 'needs root: buildah and podman use the root containers storage';
    }
    for (const tool of ['/usr/bin/buildah', '/usr/bin/podman', '/usr/sbin/runc']) {
        if (!fs.existsSync(tool)) {
            return `needs ${path.basename(tool)} (apt-get install buildah podman runc debootstrap)`;
        }
    }
    return undefined;
}

const exec = promisify(execFile);

/** podman with the runtime that works here; resolves with its stdout. */
export async function podman(...args: string[]): Promise<string> {
    const { stdout } = await exec('podman', [...PODMAN_RUNTIME, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
}

/** scripts/image.sh TARGET (cached by content): its progress shown on stderr, its last stdout line the image reference. */
export function buildImage(target: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn('bash', [path.join(REPO, 'scripts', 'image.sh'), target], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
        child.once('error', reject);
        child.once('exit', code => {
            const ref = out.trim().split('\n').pop() ?? '';
            return code === 0 && ref ? resolve(ref) : reject(new Error(`scripts/image.sh ${target} exited with ${code}:\n${out}`));
        });
    });
}
