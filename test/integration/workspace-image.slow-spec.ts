import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ideProvesIdentity } from '@warren/ide-launcher';
import { IDE_IDENTITY_PATH, IDE_NONCE_HEADER, IDE_SECRET_HEADER } from '@warren/workspace-api/lib/ide-contract';
import { buildImage, eventually, IdePage, imageToolsMissing, launchChromium, podman, PODMAN_LIMITS, PODMAN_RUNTIME } from '@warren/testing';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PINS = JSON.parse(fs.readFileSync(path.join(REPO, 'packages/go-toolchain/src/toolchain.json'), 'utf8'));
const PODMAN = PODMAN_RUNTIME;
const LIMITS = PODMAN_LIMITS;
/** HOME as a pod has it: an empty volume owned by gid 1000; the rest of the file system read-only. */
const HOME_VOLUME = ['--read-only', '--tmpfs', '/home/warren:rw,exec,mode=0755,U'];

const exec = promisify(execFile);
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        }).once('error', reject);
    });
}

describe('the workspace image', { skip: imageToolsMissing() }, () => {
    let image = '';
    const name = `warren-image-test-${process.pid}`;
    const secret = crypto.randomBytes(24).toString('base64url');
    let url = '';

    before(async () => {
        image = await buildImage('workspace');
    }, { timeout: 40 * 60_000 });

    after(async () => {
        await podman('rm', '-f', '-t', '0', name).catch(() => undefined);
    });

    it('should be in local storage under the reference scripts/image.sh printed', async () => {
        assert.match(image, /^localhost\/warren-workspace:[0-9a-f]{16}$/);
        await podman('image', 'exists', image);
        // Nothing changed: the second run finds it and builds nothing.
        assert.equal(await buildImage('workspace'), image);
    });

    it('should run as uid 1000 with the pinned Node, Go, gopls and dlv, and Go\'s folders under HOME', async () => {
        const script = 'id -u; id -g; echo "$HOME"; node --version; go version; gopls version; dlv version; go env GOPATH GOMODCACHE GOCACHE; ' +
            'for m in $(find /opt/warren/app -name "*.node"); do node -e "process.dlopen({ exports: {} }, process.argv[1])" "$m" && echo "loaded $m"; done';
        const out = await podman('run', '--rm', ...LIMITS, '--user', '1000', ...HOME_VOLUME, image, 'sh', '-c', script);
        const lines = out.trim().split('\n');
        assert.deepEqual(lines.slice(0, 4), ['1000', '1000', '/home/warren', `v${PINS.image.node}`]);
        assert.match(lines[4], new RegExp(`^go version go${PINS.image.go.replace(/\./g, '\\.')} linux/amd64$`));
        assert.match(out, new RegExp(`golang.org/x/tools/gopls ${PINS.tools.gopls.version}\\b`));
        assert.match(out, new RegExp(`Version: ${PINS.tools.dlv.version.replace(/^v/, '')}\\b`));
        assert.ok(lines.includes('/home/warren/go') && lines.includes('/home/warren/go/pkg/mod') && lines.includes('/home/warren/.cache/go-build'), out);
        // node-pty (the terminals), the file watcher, drivelist and keytar, under Node 22.
        assert.match(out, /loaded \/opt\/warren\/app\/browser-app\/lib\/prebuilds\/linux-x64\/pty\.node/);
        assert.equal(out.split('\n').filter(l => l.startsWith('loaded ')).length, 4, out);
    });

    it('should refuse to start without WARREN_IDE_SECRET, saying why', async () => {
        const result = await exec('podman', [...PODMAN, 'run', '--rm', ...LIMITS, '--user', '1000', ...HOME_VOLUME, image]).then(
            () => assert.fail('it started without a secret'), (err: { code: number; stderr: string }) => err);
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, /WARREN_IDE_SECRET is not set/);
    });

    it('should serve the IDE on port 3000 with the guard on and the workspace seeded from the template', { timeout: 5 * 60_000 }, async () => {
        const port = await freePort();
        await podman('run', '-d', '--name', name, ...LIMITS, '--user', '1000', ...HOME_VOLUME, '-p', `127.0.0.1:${port}:3000`,
            '-e', `WARREN_IDE_SECRET=${secret}`, '-e', 'WARREN_WORKSPACE=default/image-test', '-e', 'GOFLAGS=-mod=mod',
            '-e', 'NVIDIA_VISIBLE_DEVICES=none', image);
        url = `http://127.0.0.1:${port}/`;
        await eventually('the IDE in the container to prove its identity', async () =>
            (await ideProvesIdentity(url, secret, { identity: IDE_IDENTITY_PATH, nonceHeader: IDE_NONCE_HEADER })) || undefined, 180_000, 500);
        // A wrong secret fails the proof; requests without the secret get 401.
        assert.equal(await ideProvesIdentity(url, 'not-the-secret', { identity: IDE_IDENTITY_PATH, nonceHeader: IDE_NONCE_HEADER }), false);
        assert.equal((await fetch(url)).status, 401);
        assert.equal((await fetch(url, { headers: { [IDE_SECRET_HEADER]: 'wrong' } })).status, 401);
        assert.equal((await fetch(url, { headers: { [IDE_SECRET_HEADER]: secret } })).status, 200);
        const files = (await podman('exec', name, 'ls', '-A', '/home/warren/workspace')).trim().split('\n');
        assert.deepEqual(files.sort(), fs.readdirSync(path.join(REPO, 'examples/hello')).sort());
        assert.ok((await podman('exec', name, 'ls', '-A', '/home/warren/.warren/ide-config')).includes('settings.json'));
    });

    it('should open a terminal as uid 1000, with the pod\'s variables and without the secret', { timeout: 5 * 60_000, skip: !fs.existsSync('/usr/bin/chromium') && !process.env.CHROMIUM_PATH ? 'needs chromium' : false }, async () => {
        assert.ok(url, 'the IDE is up (the test before)');
        const browser = await launchChromium();
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, extraHTTPHeaders: { [IDE_SECRET_HEADER]: secret } });
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
        const page = await context.newPage();
        const ui = new IdePage(browser, context, page);
        try {
            await page.goto(url);
            await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
            const terminal = await ui.newTerminal();
            await page.keyboard.type('echo "uid=$(id -u) node=$(node --version) ws=$WARREN_WORKSPACE flags=$GOFLAGS nv=$NVIDIA_VISIBLE_DEVICES secret=[${WARREN_IDE_SECRET:-}] pwd=$(pwd)"\n');
            const text = await eventually('the echo in the terminal', async () => {
                const copied = await ui.terminalText(terminal);
                return /uid=\d+ node=v/.test(copied) ? copied : undefined;
            });
            assert.match(text, new RegExp(`uid=1000 node=v${PINS.image.node.replace(/\./g, '\\.')} ws=default/image-test flags=-mod=mod nv=none secret=\\[\\] pwd=/home/warren/workspace`));
            // The Go plugin runs the image's toolchain: the status bar's dialog names go, gopls and dlv where the image has them.
            const item = page.locator('#theia-statusBar .element', { hasText: /Go \d+\.\d+/ });
            await item.waitFor({ timeout: 60_000 });
            assert.equal((await item.innerText()).trim(), `Go ${PINS.image.go}`);
            await item.click();
            const dialog = page.locator('.dialogBlock', { hasText: 'Go toolchain' });
            await dialog.waitFor({ timeout: 30_000 });
            const rows = await dialog.locator('tr').allInnerTexts();
            const row = (tool: string): string => rows.find(r => r.startsWith(`${tool}\t`)) ?? rows.join('\n');
            assert.match(row('go'), new RegExp(`^go\t${PINS.image.go}\t/usr/local/go/bin/go\\b`));
            assert.match(row('gopls'), new RegExp(`^gopls\t${PINS.tools.gopls.version}\t/usr/local/bin/gopls\\b`));
            assert.match(row('dlv'), new RegExp(`^dlv\t${PINS.tools.dlv.version}\t/usr/local/bin/dlv\\b`));
            // On a read-only root file system the IDE wrote only where it may.
            const logs = await exec('podman', [...PODMAN, 'logs', name], { maxBuffer: 16 * 1024 * 1024 });
            assert.doesNotMatch(logs.stdout + logs.stderr, /EROFS|read-only file system/i);
        } finally {
            await ui.close('workspace-image-terminal');
        }
    });

    it('should stop with exit code 0 on podman stop (SIGTERM through tini)', { timeout: 2 * 60_000 }, async () => {
        assert.ok(url, 'the IDE is up (the tests before)');
        await podman('stop', '-t', '30', name);
        assert.equal((await podman('inspect', '--format', '{{.State.ExitCode}}', name)).trim(), '0');
    });
});

describe('the workspace image, CUDA variant', { skip: imageToolsMissing() }, () => {
    let image = '';
    before(async () => {
        // No registry here: the CUDA stage is built on the local Debian base; only its environment is checked.
        image = await buildImage('workspace-cuda', { CUDA_IMAGE: process.env.CUDA_IMAGE ?? `localhost/warren-debian:${PINS.image.debian}-minbase` });
    }, { timeout: 40 * 60_000 });

    it('should have cgo on, CUDA_PATH set, and a C compiler for cgo', { timeout: 10 * 60_000 }, async () => {
        assert.match(image, /^localhost\/warren-workspace-cuda:[0-9a-f]{16}$/);
        const program = 'package main\n\n// int two(void) { return 2; }\nimport "C"\nimport "fmt"\n\nfunc main() { fmt.Println("cgo says", C.two()) }\n';
        const script = `echo "$CGO_ENABLED $CUDA_PATH"; go env CGO_ENABLED; id -u; mkdir -p /home/warren/c && cd /home/warren/c && printf '%s' '${program}' > main.go && go run main.go`;
        const out = await podman('run', '--rm', ...LIMITS, '--user', '1000', ...HOME_VOLUME, image, 'sh', '-c', script);
        assert.deepEqual(out.trim().split('\n'), ['1 /usr/local/cuda', '1', '1000', 'cgo says 2']);
    });
});
