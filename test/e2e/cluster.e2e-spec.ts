import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, Locator, Page } from 'playwright-core';
import { freePort } from '@warren/ide-launcher';
import { startTestCluster, TestCluster, testClusterUnavailable } from '@warren/test-cluster';
import { buildImage, eventually, IdePage, launchChromium, REPO, startWarrenServe, WarrenServe } from '@warren/testing';

const EDIT = '// saved in a pod, kept on its volume';
const UNSAVED = '// typed, never saved by hand';

/**
 * Cluster mode as a developer meets it: `warren serve --provider kubernetes` on this machine against
 * the test cluster, whose real node (kubelet, containerd, runc) runs the workspace image built here.
 * Sign in, create and open a workspace (its IDE runs in a pod), hover in Go, edit and save, stop
 * (the pod goes, the volume stays), start, and find the edit.
 */
describe('a workspace in a pod on a real Kubernetes node, used in chromium', { skip: testClusterUnavailable() }, () => {
    let cluster: TestCluster;
    let warren: WarrenServe;
    let browser: Browser;
    let dashboard: Page;
    let idePage: Page | undefined;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-cluster-e2e-'));
    let image: string;
    let heartbeatPort: number;
    const kubectl = (...args: string[]): Promise<string> => cluster.kubectl(['-n', 'warren-default', ...args]);

    before(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        cluster = await startTestCluster({ name: 'warren-e2e', networkPolicy: true });
        // Built once and cached by content (scripts/image.sh); the node imports it from local storage, nothing is pulled.
        image = await buildImage('workspace');
        await cluster.importImage(image);
        const goproxy = execFileSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).trim();
        // The bridge that pods reach this machine by appears with the first pod: listen everywhere, tell pods the bridge's address.
        heartbeatPort = await freePort('0.0.0.0');
        const settings = {
            image, imagePullPolicy: 'Never', storageClassName: cluster.storageClassName, controlPlaneNamespace: 'warren-e2e',
            heartbeatListen: `0.0.0.0:${heartbeatPort}`, heartbeatUrl: `http://${cluster.hostAddressForPods}:${heartbeatPort}`, controlPlanePeers: [{ ipBlock: { cidr: `${cluster.hostAddressForPods}/32` } }],
            nodeSelector: cluster.realNodeSelector, tolerations: [cluster.realNodeToleration], goEnv: { GOPROXY: goproxy, GOTELEMETRY: 'off' }
        };
        const classes = [{ name: 'small', description: '1 CPU, 2 GiB', cpu: '1', memory: '2Gi', disk: '2Gi', requests: { cpu: '250m', memory: '1Gi' } }];
        fs.writeFileSync(path.join(tmp, 'cluster.json'), JSON.stringify(settings));
        fs.writeFileSync(path.join(tmp, 'classes.json'), JSON.stringify(classes));
        warren = await startWarrenServe(['--provider', 'kubernetes', '--kubeconfig', cluster.kubeconfigPath, '--cluster-config', path.join(tmp, 'cluster.json'),
            '--classes', path.join(tmp, 'classes.json'), '--no-idle-stop']);
        browser = await launchChromium();
        dashboard = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
        await dashboard.goto(warren.loginUrl);
    });

    after(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        await dashboard?.screenshot({ path: path.join(REPO, 'test-results', 'cluster-dashboard.png') }).catch(() => undefined);
        await idePage?.screenshot({ path: path.join(REPO, 'test-results', 'cluster-ide.png') }).catch(() => undefined);
        if (warren) {
            fs.writeFileSync(path.join(REPO, 'test-results', 'cluster-serve.log'), warren.output());
        }
        if (dashboard) {
            await row().getByRole('button', { name: 'Delete', exact: true }).click().catch(() => undefined);
            await dashboard.getByRole('button', { name: /^Delete/ }).last().click().catch(() => undefined);
            await eventually('the workspace deleted', async () => (await kubectl('get', 'workspace', '-o', 'name')) === '' || undefined, 60_000).catch(() => undefined);
        }
        await browser?.close();
        await warren?.stop();
        await cluster?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const row = (): Locator => dashboard.locator('[data-workspace="hello"]');
    const waitForPhase = (phase: string): Promise<void> => row().locator(`[data-phase="${phase}"]`).waitFor({ timeout: 240_000 });
    const openIde = async (): Promise<IdePage> => {
        idePage = await dashboard.context().newPage();
        await idePage.goto(`${warren.gateway}/open/hello`);
        await idePage.waitForURL(/^http:\/\/hello--default\.localhost:\d+\/$/, { timeout: 120_000 });
        await idePage.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 90_000 });
        return new IdePage(browser, idePage.context(), idePage);
    };

    it('runs the IDE in a pod on the real node, and Go hover works there', async () => {
        await dashboard.getByLabel('Name').fill('Hello');
        await dashboard.getByLabel('Class').selectOption('small');
        await dashboard.getByRole('button', { name: 'Create workspace' }).click();
        await waitForPhase('running');
        const pod = JSON.parse(await kubectl('get', 'pod', 'ws-hello', '-o', 'json'));
        assert.equal(pod.spec.nodeName, 'real-0');
        assert.equal(pod.status.phase, 'Running');
        const ide = await openIde();
        const main = await ide.openFile('main.go', 'package main');
        const hover = idePage!.locator('.monaco-hover:visible');
        await eventually('a hover with documentation', async () => {
            await idePage!.mouse.move(5, 5);
            await main.locator('.view-line', { hasText: 'func Greeting' }).first().locator('span', { hasText: /^Greeting$/ }).first().hover();
            await hover.getByText('Greeting returns the greeting for name.').waitFor({ timeout: 5_000 });
            return true;
        }, 180_000);
        assert.match(await hover.innerText(), /func Greeting\(name string\) string/);
    });

    it('lets the workspace\'s pod reach only DNS and the heartbeat port, and be reached only from the control plane (NetworkPolicy)', async t => {
        if (!cluster.enforcesNetworkPolicy) {
            t.skip('the test cluster does not enforce NetworkPolicy here; the policies are read back by test/integration/cluster-gpu.slow-spec.ts');
            return;
        }
        // Another tenant's server, in a namespace of its own, from the same image.
        const other = {
            apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'warren-other' },
            spec: {
                nodeSelector: cluster.realNodeSelector, tolerations: [cluster.realNodeToleration], terminationGracePeriodSeconds: 1,
                securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [{
                    name: 'web', image, imagePullPolicy: 'Never', command: ['/usr/local/bin/node', '-e', 'require("http").createServer((q, r) => r.end("other")).listen(8080)'],
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }
                }]
            }
        };
        await cluster.kubectl(['create', 'namespace', 'warren-other']);
        fs.writeFileSync(path.join(tmp, 'other.json'), JSON.stringify(other));
        await cluster.kubectl(['apply', '-f', path.join(tmp, 'other.json')]);
        await cluster.kubectl(['-n', 'warren-other', 'wait', '--for=condition=Ready', 'pod/other', '--timeout=120s']);
        const otherIp = (await cluster.kubectl(['-n', 'warren-other', 'get', 'pod', 'other', '-o', 'jsonpath={.status.podIP}'])).trim();
        const wsIp = (await kubectl('get', 'pod', 'ws-hello', '-o', 'jsonpath={.status.podIP}')).trim();
        const probe = async (namespace: string, pod: string, host: string, port: number): Promise<string> =>
            (await cluster.kubectl(['-n', namespace, 'exec', pod, '--', 'bash', '-c', `timeout 3 bash -c '</dev/tcp/${host}/${port}' 2>/dev/null && echo open || echo closed`])).trim();
        assert.equal(await probe('warren-default', 'ws-hello', cluster.hostAddressForPods, heartbeatPort), 'open', 'heartbeats go out');
        assert.equal(await probe('warren-default', 'ws-hello', otherIp, 8080), 'closed', 'another tenant\'s server is out of reach');
        // A server of this machine's that pods could reach but for the policy: the other pod reaches it, the workspace does not.
        const server = net.createServer(socket => socket.end()).listen(0, '0.0.0.0');
        await new Promise(resolve => server.once('listening', resolve));
        const hostPort = (server.address() as net.AddressInfo).port;
        try {
            assert.equal(await probe('warren-other', 'other', cluster.hostAddressForPods, hostPort), 'open', 'without a policy, pods reach it');
            assert.equal(await probe('warren-default', 'ws-hello', cluster.hostAddressForPods, hostPort), 'closed', 'the workspace does not');
        } finally {
            server.close();
        }
        assert.equal(await probe('warren-other', 'other', wsIp, 3000), 'closed', 'nobody but the control plane reaches the IDE');
        await cluster.kubectl(['delete', 'namespace', 'warren-other', '--wait=false']);
    });

    it('keeps edits on the volume across a stop (the pod goes; unsaved editors are saved first) and a start', async () => {
        await new IdePage(browser, idePage!.context(), idePage!).addLineAndSave('main.go', 1, EDIT);
        // A second edit is left unsaved, the tab open: the stop saves it first (the manager asks the IDE in the pod).
        await idePage!.keyboard.press('Enter');
        await idePage!.keyboard.type(UNSAVED);
        await idePage!.locator('#theia-main-content-panel .lm-TabBar-tab.theia-mod-dirty', { hasText: 'main.go' }).waitFor({ timeout: 15_000 });
        await dashboard.bringToFront();
        await row().getByRole('button', { name: 'Stop', exact: true }).click();
        // The IDE's log to the end, with the screenshots: what it did when asked to save and stop.
        let ideLog = '';
        while ((await kubectl('get', 'pod', 'ws-hello', '--ignore-not-found', '-o', 'name')) !== '') {
            const now = await kubectl('logs', 'ws-hello').catch(() => '');
            ideLog = now.length > ideLog.length ? now : ideLog;
            await new Promise(resolve => setTimeout(resolve, 200));
        }
        fs.writeFileSync(path.join(REPO, 'test-results', 'cluster-ide.log'), ideLog);
        await waitForPhase('stopped');
        assert.equal(await kubectl('get', 'pod', 'ws-hello', '--ignore-not-found', '-o', 'name'), '', 'the pod is gone');
        assert.equal((await kubectl('get', 'pvc', 'ws-hello-home', '-o', 'jsonpath={.status.phase}')).trim(), 'Bound', 'the volume stays');
        await idePage!.close();
        idePage = undefined;
        await row().getByRole('button', { name: 'Start', exact: true }).click();
        await waitForPhase('running');
        const again = await openIde();
        const main = await again.openFile('main.go', EDIT);
        // Monaco renders spaces as no-break spaces.
        assert.match((await main.locator('.view-lines').innerText()).replace(/\u00a0/g, ' '), new RegExp(UNSAVED), 'the stop saved the unsaved edit');
    });
});
