import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildImage, imageToolsMissing, podman, PODMAN_LIMITS, PODMAN_RUNTIME } from '@warren/testing';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PINS = JSON.parse(fs.readFileSync(path.join(REPO, 'packages/go-toolchain/src/toolchain.json'), 'utf8'));
const PODMAN = PODMAN_RUNTIME;
const LIMITS = PODMAN_LIMITS;
const UID = '10001';
/** As a pod has it: the root file system read-only, the data folder an empty volume owned by the image's user. */
const DATA_VOLUME = ['--read-only', '--tmpfs', '/var/lib/warren:rw,mode=0700,U'];

const exec = promisify(execFile);
/** podman run --rm with the pod's restrictions; resolves with the exit code and the output, whatever the code. */
async function run(image: string, args: string[], extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    return exec('podman', [...PODMAN, 'run', '--rm', ...LIMITS, ...DATA_VOLUME, ...extra, image, ...args], { maxBuffer: 16 * 1024 * 1024 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }));
}

describe('the control-plane image', { skip: imageToolsMissing() }, () => {
    let image = '';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-cp-image-'));

    before(async () => {
        image = await buildImage('control-plane');
    }, { timeout: 40 * 60_000 });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('should be in local storage under the reference scripts/image.sh printed, and be found the second time', async t => {
        assert.match(image, /^localhost\/warren-control-plane:[0-9a-f]{16}$/);
        await podman('image', 'exists', image);
        assert.equal(await buildImage('control-plane'), image);
        const size = Number((await podman('image', 'inspect', '--format', '{{.Size}}', image)).trim());
        t.diagnostic(`${image}: ${(size / 1e6).toFixed(0)} MB unpacked`);
        // The checkout's development node_modules alone are 800 MB; the workspace image with Theia and Go is 742 MB.
        assert.ok(size < 400e6, `${size} bytes`);
    });

    it('should declare its contract: uid 10001, the ports, the data volume, tini before warren serve --provider kubernetes', async () => {
        const config = JSON.parse(await podman('image', 'inspect', '--format', '{{json .Config}}', image));
        assert.equal(config.User, `${UID}:${UID}`);
        assert.deepEqual(Object.keys(config.ExposedPorts).sort(), ['7080/tcp', '7082/tcp', '7400/tcp', '7401/tcp']);
        assert.deepEqual(Object.keys(config.Volumes ?? {}), ['/var/lib/warren']);
        assert.deepEqual(config.Entrypoint, ['/usr/bin/tini', '--', '/usr/local/bin/warren', 'serve', '--provider', 'kubernetes', '--host', '0.0.0.0', '--grpc-host', '0.0.0.0']);
        assert.ok(config.Env.includes('WARREN_DATA_DIR=/var/lib/warren/data'), config.Env.join('\n'));
    });

    it('should run as uid 10001 with the pinned Node, and hold no Theia, Go, compiler or npm', async () => {
        const script = 'id -u; id -g; node --version; ls /opt/warren/app/node_modules/@warren; ' +
            'find / -xdev \\( -name "@theia" -o -name "browser-app" -o -path "*/node_modules/typescript" -o -path "*/node_modules/eslint" \\) -print; ' +
            'for tool in go gcc g++ cc make npm python3; do command -v "$tool" && echo "has $tool"; done; true';
        const r = await run(image, ['-c', script], ['--entrypoint', '/bin/sh']);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.trim().split('\n');
        assert.deepEqual(lines.slice(0, 3), [UID, UID, `v${PINS.image.node}`]);
        assert.deepEqual(lines.slice(3), ['cli', 'gateway', 'git-credential-helper', 'go-toolchain', 'ide-launcher', 'service-support', 'workspace-api', 'workspace-manager'], r.stdout);
    });

    it('should answer warren --help', async () => {
        const r = await run(image, ['--help'], ['--entrypoint', '/usr/local/bin/warren']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /Usage: warren /);
        for (const command of ['serve', 'workspace', 'user', 'token', 'login-url']) {
            assert.match(r.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
        }
    });

    it('should load better-sqlite3 in its Node: warren user add and list in the data folder', async () => {
        // The data folder as warren serve makes it on its first start (the CLI refuses a folder that does not exist).
        const script = 'install -d -m 0700 "$WARREN_DATA_DIR" && printf "%s\\n" correct-horse-battery | warren user add alice --tenant default'
            + ' && warren user list -o json && ls "$WARREN_DATA_DIR"';
        const r = await run(image, ['-c', script], ['--entrypoint', '/bin/sh']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /alice can sign in now \(tenant default\)/);
        const users = JSON.parse(r.stdout.slice(r.stdout.indexOf('['), r.stdout.lastIndexOf(']') + 1)) as { user: string; tenant: string }[];
        assert.deepEqual(users.map(u => [u.user, u.tenant]), [['alice', 'default']]);
        assert.match(r.stdout, /^gateway\.db$/m);
    });

    it('should start warren serve --provider kubernetes from its entrypoint with the container\'s args, and say that the cluster could not be reached', async () => {
        const config = path.join(dir, 'config');
        fs.mkdirSync(config, { mode: 0o755 });
        fs.chmodSync(config, 0o755);
        fs.writeFileSync(path.join(config, 'kubeconfig'), [
            'apiVersion: v1', 'kind: Config', 'current-context: c',
            'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
            'users: [{ name: u, user: { token: x } }]', 'contexts: [{ name: c, context: { cluster: c, user: u } }]'
        ].join('\n'), { mode: 0o644 });
        fs.writeFileSync(path.join(config, 'cluster.json'), JSON.stringify({ heartbeatUrl: 'http://warren.warren-system.svc:7082' }), { mode: 0o644 });
        const r = await run(image, ['--kubeconfig', '/etc/warren/kubeconfig', '--cluster-config', '/etc/warren/cluster.json', '--workspace-image', 'localhost/warren-workspace:1',
            '--public-url', 'http://warren.example.com'], ['--network', 'none', '-v', `${config}:/etc/warren:ro`]);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /The Kubernetes API server at https:\/\/127\.0\.0\.1:1 could not be reached .*ECONNREFUSED.* Check that the cluster runs and the kubeconfig points at it/);
        // Nothing tried to write outside the data folder and /tmp.
        assert.doesNotMatch(r.stdout + r.stderr, /EROFS|read-only file system|EACCES/i);
    });
});
