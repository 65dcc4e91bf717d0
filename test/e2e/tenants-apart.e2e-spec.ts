import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, Locator, Page, WebSocket } from 'playwright-core';
import { IDE_SECRET_HEADER, WorkspaceClient } from '@warren/workspace-api';
import { eventually, IdePage, launchChromium, REPO, startWarrenServe, WarrenServe } from '@warren/testing';

const MARKER = `operator-secret-${process.pid}`;
const T2_SECRET = `t2-private-${process.pid}`;

/**
 * The attacks of issue 11, replayed by tenant t1 against `warren serve` run as root, with two
 * tenants and real, sandboxed IDEs. t1 signs in through the browser and works from its own IDE's
 * terminal and HTTP endpoints, with its own cookies. Every attempt must reach nothing but t1's own
 * files. (Runs only as root: that is when Warren sandboxes; as a user only one tenant may exist.)
 */
describe('tenants on one machine are apart', { skip: process.getuid?.() !== 0 ? 'needs root: Warren sandboxes tenants only when run as root' : false }, () => {
    let warren: WarrenServe;
    let browser: Browser;
    let dashboard: Page;
    let idePage: Page;
    let ide: IdePage;
    let terminal: Locator;
    let adminToken: string;
    let t2Url: string;
    const ideSockets: WebSocket[] = [];

    before(async () => {
        warren = await startWarrenServe(['--no-idle-stop', '--owner-tenant', 't1'], { env: { WARREN_TEST_MARKER: MARKER } });
        adminToken = fs.readFileSync(path.join(warren.dataDir, 'admin-token'), 'utf8').trim();
        const client = new WorkspaceClient(warren.grpcAddress, adminToken);
        await client.createWorkspace({ id: 'other', className: 'small', tenant: 't2' });
        await client.createWorkspace({ id: 'mine', className: 'small', tenant: 't1' });
        t2Url = await eventually('t2\'s workspace running', async () => {
            const ws = await client.getWorkspace({ tenant: 't2', id: 'other' });
            return ws.status?.phase === 'PHASE_RUNNING' ? ws.status.url : undefined;
        }, 120_000);
        await eventually('t1\'s workspace running', async () =>
            (await client.getWorkspace({ tenant: 't1', id: 'mine' })).status?.phase === 'PHASE_RUNNING' || undefined, 120_000);
        fs.appendFileSync(path.join(warren.files('t2', 'other'), 'main.go'), `// ${T2_SECRET}\n`);
        client.close();

        browser = await launchChromium();
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        dashboard = await context.newPage();
        await dashboard.goto(warren.loginUrl);
        idePage = await context.newPage();
        idePage.on('websocket', socket => ideSockets.push(socket));
        await idePage.goto(`${warren.gateway}/open/mine`);
        await idePage.waitForURL(/^http:\/\/mine--t1\.localhost:\d+\/$/, { timeout: 90_000 });
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(idePage.url()).origin });
        await idePage.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
        ide = new IdePage(browser, context, idePage);
        terminal = await ide.newTerminal();
    });

    after(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        await idePage?.screenshot({ path: path.join(REPO, 'test-results', 'tenants-apart-ide.png') }).catch(() => undefined);
        await browser?.close();
        await warren?.stop();
    });

    /** Types a command line into t1's terminal and returns what the terminal shows once `end` is printed. */
    async function inTerminal(command: string, end: string): Promise<string> {
        await terminal.click();
        await idePage.keyboard.type(`${command}; echo ${end}\n`);
        return eventually(`"${end}" in t1's terminal`, async () => {
            const text = await ide.terminalText(terminal);
            return text.split('\n').some(line => line.trim() === end) ? text : undefined;
        }, 60_000);
    }

    it('should keep t2\'s files and the data folder\'s secrets out of reach of t1\'s terminal', async () => {
        const data = warren.dataDir;
        const text = await inTerminal([
            `cat ${data}/admin-token ${data}/gateway-key`, `head -c 15 ${data}/gateway.db ${data}/warren.db`,
            `cat ${warren.files('t2', 'other')}/main.go`, `ls ${data}/tenants`, 'cat /etc/shadow', 'id -un', 'ps -e | wc -l'
        ].join('; '), 'END-FILES');
        assert.doesNotMatch(text, new RegExp(adminToken), 'the admin token');
        assert.doesNotMatch(text, new RegExp(fs.readFileSync(path.join(data, 'gateway-key'), 'utf8').trim()), 'the gateway key');
        assert.doesNotMatch(text, /SQLite format/, 'a database');
        assert.doesNotMatch(text, new RegExp(T2_SECRET), 't2\'s files');
        assert.doesNotMatch(text, /root:/, '/etc/shadow');
        assert.match(text, /^warren-t1\s*$/m, 'the terminal runs as t1\'s own user');
        assert.match(text, /^t1\s*$/m, 'only t1\'s own folder is in the data folder\'s place');
    });

    it('should not hand the control plane\'s environment to t1\'s terminal', async () => {
        const text = await inTerminal('echo "marker=[$WARREN_TEST_MARKER]"; env | grep -c -e WARREN_TEST_MARKER -e WARREN_IDE_SECRET', 'END-ENV');
        assert.match(text, /marker=\[\]/);
        assert.doesNotMatch(text, new RegExp(MARKER));
        assert.match(text, /^0\s*$/m, 'neither the marker nor the IDE secret is in the environment');
    });

    it('should still run Go in the sandbox, module downloads through the proxy included', async () => {
        const text = await inTerminal('go run . && go mod download -json github.com/google/go-cmp@v0.6.0 | grep -c \'"Version": "v0.6.0"\'', 'END-GO');
        assert.match(text, /Hello, world!/);
        assert.match(text, /^1\s*$/m, 'go-cmp was downloaded into t1\'s module cache');
    });

    it('should keep t2\'s IDE and the control plane\'s ports out of reach of t1\'s terminal, its own server and the manager\'s heartbeats in reach', async () => {
        const targets = [['t2-ide', t2Url], ['gateway', `${warren.gateway.replace('localhost', '127.0.0.1')}/`], ['grpc', `http://${warren.grpcAddress}/`]];
        const script = `require('http').createServer((q, r) => r.end('own')).listen(8099, '127.0.0.1', async () => {
            for (const [name, url] of [...${JSON.stringify(targets)}, ['own', 'http://127.0.0.1:8099/'], ['heartbeats', process.env.WARREN_ACTIVITY_URL + '/_warren/v1/heartbeat'],
                ['metrics', process.env.WARREN_ACTIVITY_URL + '/metrics']]) {
                await fetch(url, { signal: AbortSignal.timeout(5000) }).then(r => console.log('net', name, r.status), e => console.log('net', name, e.cause?.code ?? e.name));
            }
            process.exit(0);
        })`;
        const text = await inTerminal(`node -e ${shellQuote(script)}`, 'END-NET');
        assert.match(text, /^net t2-ide ECONNREFUSED/m, 'another tenant\'s IDE is not on this sandbox\'s loopback');
        assert.match(text, /^net gateway ECONNREFUSED/m);
        assert.match(text, /^net grpc ECONNREFUSED/m);
        assert.match(text, /^net own 200/m, 'the tenant\'s own server answers it');
        assert.match(text, /^net heartbeats 405/m, 'the manager\'s heartbeat port is the one port of this machine it reaches (heartbeats are POSTed)');
        assert.match(text, /^net metrics 404/m, 'and it serves nothing but heartbeats');
    });

    it('should not let t1\'s IDE /file endpoints read the admin token or the gateway\'s database', async () => {
        const answers = await idePage.evaluate(async (files: string[]) => Promise.all(files.map(async f => {
            const res = await fetch(`/file?${encodeURIComponent(`file://${f}`)}`);
            return `${res.status} ${(await res.text()).slice(0, 200)}`;
        })), [path.join(warren.dataDir, 'admin-token'), path.join(warren.dataDir, 'gateway.db'), path.join(warren.files('t2', 'other'), 'main.go')]);
        for (const answer of answers) {
            assert.doesNotMatch(answer, new RegExp(adminToken));
            assert.doesNotMatch(answer, /SQLite format/);
            assert.doesNotMatch(answer, new RegExp(T2_SECRET));
            assert.doesNotMatch(answer, /^200 /, answer);
        }
        // The endpoint itself works, for t1's own files.
        const own = await idePage.evaluate(async (f: string) => (await fetch(`/file?${encodeURIComponent(`file://${f}`)}`)).status,
            path.join(warren.files('t1', 'mine'), 'main.go'));
        assert.equal(own, 200);
    });

    it('should not let /file-upload write outside t1\'s folder', async () => {
        const targets = [path.join(warren.files('t2', 'other'), 'planted.go'), path.join(warren.dataDir, 'planted'), path.join(warren.dataDir, 'tenants', 't2', 'planted')];
        const statuses = await idePage.evaluate(async (uris: string[]) => Promise.all(uris.map(async uri => {
            const form = new FormData();
            form.append('uri', uri);
            form.append('file', new Blob(['planted by t1']), 'planted');
            return (await fetch('/file-upload', { method: 'POST', body: form })).status;
        })), targets.map(t => `file://${t}`));
        for (const target of targets) {
            assert.equal(fs.existsSync(target), false, `${target} was written (answers: ${statuses.join(', ')})`);
        }
        assert.ok(statuses.every(s => s !== 200), `answers: ${statuses.join(', ')}`);
    });

    it('should answer 401 without a cookie at the IDE\'s own address, past the gateway, for HTTP and WebSocket', async () => {
        const answer = await get(t2Url, {});
        assert.equal(answer.status, 401);
        assert.equal(answer.headers['set-cookie'], undefined, 'no Theia connection cookie');
        const wrong = await get(t2Url, { [IDE_SECRET_HEADER]: 'guessed' });
        assert.equal(wrong.status, 401);
        assert.equal(await upgradeStatus(t2Url), 401);
    });

    it('should close t1\'s open IDE WebSocket within seconds of signing out', async () => {
        const open = (): WebSocket[] => ideSockets.filter(s => !s.isClosed() && new URL(s.url()).hostname.startsWith('mine--t1.'));
        assert.ok(open().length > 0, 'the IDE tab has a live WebSocket through the gateway');
        await dashboard.bringToFront();
        await dashboard.locator('#sign-out').click();
        await dashboard.waitForURL(/\/login/, { timeout: 10_000 });
        await eventually('the IDE\'s WebSockets closed after sign-out', async () => open().length === 0 || undefined, 15_000);
        // A new connection from the same tab is refused too.
        const status = await idePage.evaluate(async () => (await fetch('/', { cache: 'no-store' })).status);
        assert.notEqual(status, 200);
    });
});

function shellQuote(text: string): string {
    return `'${text.replace(/'/g, `'\\''`)}'`;
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
        http.get(url, { headers }, res => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, headers: res.headers });
        }).on('error', reject);
    });
}

/** The status a WebSocket upgrade to Theia's socket.io endpoint gets. */
function upgradeStatus(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = http.request(new URL('/socket.io/?EIO=4&transport=websocket', url), {
            headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }
        });
        req.on('upgrade', (_res, socket) => { socket.destroy(); resolve(101); });
        req.on('response', res => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end();
    });
}
