import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { startTestCluster, TestCluster, testClusterPaths, testClusterUnavailable } from '@warren/test-cluster';
import { buildImage, DashboardPage, eventually, HelmRelease, IdePage, imageValues, launchChromium, podman, REPO, testClusterValues } from '@warren/testing';

const HOST = 'warren.test';
const EDIT = '// saved through the chart\'s control plane';
const SA = 'system:serviceaccount:warren-system:warren';

/**
 * The platform admin's path, end to end: `helm install` of helm/warren into the test cluster with the images
 * built in this run, the control plane in a pod on the real node (reaching the apiserver through the
 * `kubernetes` Service, its peers by cluster DNS), then a developer in chromium through that install. The
 * browser reaches the Service's cluster IP through kube-proxy, as an ingress controller would.
 */
describe('helm install of helm/warren into a real cluster, used in chromium', { skip: testClusterUnavailable() }, () => {
    let cluster: TestCluster;
    let release: HelmRelease;
    let values: Record<string, unknown>;
    let controlPlaneImage: string;
    let browser: Browser;
    let dashboard: DashboardPage;
    let idePage: Page | undefined;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-helm-e2e-'));
    const ws = (...args: string[]): Promise<string> => cluster.kubectl(['-n', 'warren-default', ...args]);

    before(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        cluster = await startTestCluster({ name: 'warren-helm', networkPolicy: true });
        controlPlaneImage = await buildImage('control-plane');
        const workspaceImage = await buildImage('workspace');
        await cluster.importImage(controlPlaneImage);
        await cluster.importImage(workspaceImage);
        release = new HelmRelease(cluster);
        values = testClusterValues(cluster, { controlPlane: controlPlaneImage, workspace: workspaceImage }, HOST);
        values.classes = [...(values.classes as object[]), {
            name: 'gpu', description: '1 GPU', cpu: '1', memory: '2Gi', disk: '1Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1, requests: { cpu: '100m', memory: '256Mi' },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]
        }];
        values.cluster = { ...(values.cluster as object), tenants: { default: { gpus: { 'nvidia.com/gpu': 1 }, running: 4, volumes: 10, storage: '20Gi' } } };
        // The data folder (sessions, the admin token) on a volume of its own, so that upgrades and a reinstall keep sessions.
        await cluster.kubectl(['create', 'namespace', release.namespace]);
        fs.writeFileSync(path.join(tmp, 'data.json'), JSON.stringify({
            apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'warren-data', namespace: release.namespace },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: cluster.storageClassName, resources: { requests: { storage: '1Gi' } } }
        }));
        await cluster.kubectl(['apply', '-f', path.join(tmp, 'data.json')]);
        values.persistence = { existingClaim: 'warren-data' };
    });

    after(async () => {
        const out = path.join(REPO, 'test-results');
        await dashboard?.page.screenshot({ path: path.join(out, 'helm-dashboard.png') }).catch(() => undefined);
        await idePage?.screenshot({ path: path.join(out, 'helm-ide.png') }).catch(() => undefined);
        const logs = await release?.kubectl('logs', `deploy/${release.release}`, '--tail=2000').catch(err => String(err));
        if (logs) {
            fs.writeFileSync(path.join(out, 'helm-control-plane.log'), logs);
        }
        await browser?.close();
        release?.dispose();
        await cluster?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const controlPlanePods = async (): Promise<Array<{ name: string; node: string; image: string; ready: boolean }>> =>
        JSON.parse(await release.kubectl('get', 'pods', '-l', 'app.kubernetes.io/name=warren', '-o', 'json')).items
            .filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp)
            .map((p: { metadata: { name: string }; spec: { nodeName: string; containers: Array<{ image: string }> }; status: { conditions?: Array<{ type: string; status: string }> } }) => ({
                name: p.metadata.name, node: p.spec.nodeName, image: p.spec.containers[0].image,
                ready: !!p.status.conditions?.some(c => c.type === 'Ready' && c.status === 'True')
            }));
    const row = (): Locator => dashboard.row('hello');
    const waitForPhase = (phase: string): Promise<void> => dashboard.waitForPhase('hello', phase);
    const openIde = async (): Promise<IdePage> => {
        const ide = await dashboard.openIde('hello');
        idePage = ide.page;
        return ide;
    };
    /** A browser whose DNS gives the Service's address for the app's host and the workspaces' hosts (the cookies carried over). */
    const openBrowser = async (storageState?: BrowserContextOptions['storageState']): Promise<void> => {
        const ip = await release.serviceIp();
        await browser?.close();
        browser = await launchChromium({ resolve: { [HOST]: ip, [`*.${HOST}`]: ip } });
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, storageState });
        dashboard = new DashboardPage(browser, await context.newPage(), `http://${HOST}`);
    };
    const wsPodUid = async (): Promise<string> => (await ws('get', 'pod', 'ws-hello', '-o', 'jsonpath={.metadata.uid}')).trim();

    it('installs, and the control plane becomes Ready on the real node, talking to the apiserver through the kubernetes Service', async () => {
        const installed = await release.apply('install', values);
        assert.match(installed.stdout, new RegExp(`Open http://${HOST.replace('.', '\\.')}/`), 'NOTES names the URL');
        assert.match(installed.stdout, /kubectl -n warren-system exec deploy\/warren -- warren login-url --data-dir \/var\/lib\/warren\/data/, 'NOTES says how to sign in');
        assert.match(installed.stdout, /keeps the Workspace CRD/, 'NOTES says what an uninstall keeps');
        // Through lookup, against the real nodes: no GPU node has joined yet.
        assert.match(installed.stdout, /\nWARNINGS\n(?: {2}- .*\n)* {2}- no node advertises nvidia\.com\/gpu, which the classes gpu ask for: their workspaces wait, then fail\./);
        const pods = await controlPlanePods();
        assert.equal(pods.length, 1);
        assert.equal(pods[0].node, 'real-0');
        assert.ok(pods[0].ready);
        const crd = JSON.parse(await cluster.kubectl(['get', 'crd', 'workspaces.warren.dev', '-o', 'json']));
        assert.equal(crd.metadata.annotations['helm.sh/resource-policy'], 'keep');
        // In-cluster configuration: the pod's own environment names the Service, never a kubeconfig.
        const env = await release.kubectl('exec', 'deploy/warren', '--', 'printenv', 'KUBERNETES_SERVICE_HOST');
        assert.equal(env.trim(), '10.0.0.1');
    });

    it('gives the manager\'s ServiceAccount what it uses and nothing more (kubectl auth can-i)', async () => {
        // kubectl auth can-i answers yes (exit 0) or no (exit 1) on stdout; anything else is an error, never a "no".
        const can = (verb: string, resource: string, namespace?: string): Promise<boolean> => new Promise((resolve, reject) => {
            const [name, subresource] = resource.split('/');
            const args = ['--kubeconfig', cluster.kubeconfigPath, 'auth', 'can-i', verb, name, ...(subresource ? [`--subresource=${subresource}`] : []),
                `--as=${SA}`, ...(namespace ? ['-n', namespace] : ['--all-namespaces'])];
            execFile(path.join(testClusterPaths().k8sBin, 'kubectl'), args, { encoding: 'utf8' }, (_err, stdout, stderr) => {
                const answer = stdout.trim();
                return answer === 'yes' || answer === 'no' ? resolve(answer === 'yes') : reject(new Error(`kubectl ${args.slice(2).join(' ')}: ${stdout}${stderr}`));
            });
        });
        const allowed: Array<[string, string, string?]> = [
            ['watch', 'workspaces.warren.dev'], ['patch', 'workspaces.warren.dev/status', 'warren-default'], ['delete', 'workspaces.warren.dev', 'warren-x'],
            ['create', 'pods', 'warren-default'], ['delete', 'pods', 'warren-default'], ['watch', 'pods'], ['watch', 'persistentvolumeclaims'],
            ['create', 'persistentvolumeclaims', 'warren-default'], ['create', 'namespaces'], ['patch', 'networkpolicies', 'warren-default'],
            ['patch', 'resourcequotas', 'warren-default'], ['create', 'secrets', 'warren-default'], ['list', 'nodes'], ['watch', 'events'],
            ['update', 'leases', 'warren-system'], ['get', 'secrets', 'warren-system']
        ];
        const denied: Array<[string, string, string?]> = [
            ['get', 'secrets', 'warren-default'], ['list', 'secrets'], ['get', 'secrets', 'kube-system'], ['create', 'pods/exec', 'warren-default'],
            ['delete', 'namespaces'], ['delete', 'nodes'], ['patch', 'nodes'], ['create', 'clusterrolebindings'], ['create', 'rolebindings', 'warren-default'],
            ['update', 'leases', 'kube-system'], ['create', 'deployments', 'warren-system'], ['delete', 'customresourcedefinitions'],
            ['create', 'serviceaccounts/token', 'warren-system'], ['delete', 'networkpolicies', 'warren-default']
        ];
        for (const [verb, resource, ns] of allowed) {
            assert.equal(await can(verb, resource, ns), true, `may ${verb} ${resource} ${ns ?? '(all namespaces)'}`);
        }
        for (const [verb, resource, ns] of denied) {
            assert.equal(await can(verb, resource, ns), false, `may not ${verb} ${resource} ${ns ?? '(all namespaces)'}`);
        }
    });

    it('serves a developer in chromium: sign in with the NOTES command, create, open the IDE in a pod, edit, save, stop, start', async () => {
        await openBrowser();
        await dashboard.signIn(await release.loginUrl());
        await dashboard.create('Hello', 'small');
        await waitForPhase('running');
        assert.equal((await ws('get', 'pod', 'ws-hello', '-o', 'jsonpath={.spec.nodeName}')).trim(), 'real-0');
        let ide = await openIde();
        await ide.openFile('main.go', 'package main');
        await ide.addLineAndSave('main.go', 1, EDIT);
        await dashboard.page.bringToFront();
        await row().getByRole('button', { name: 'Stop', exact: true }).click();
        await waitForPhase('stopped');
        assert.equal(await ws('get', 'pod', 'ws-hello', '--ignore-not-found', '-o', 'name'), '', 'the pod is gone');
        await idePage!.close();
        await row().getByRole('button', { name: 'Start', exact: true }).click();
        await waitForPhase('running');
        ide = await openIde();
        await ide.openFile('main.go', EDIT);
    });

    it('lets the workspace\'s terminal reach the heartbeat port and nothing else of the cluster: not the API server, not the control plane\'s other ports', async () => {
        const probe = async (host: string, port: number): Promise<string> => (await ws('exec', 'ws-hello', '--', 'bash', '-c',
            `timeout 3 bash -c '</dev/tcp/${host}/${port}' 2>/dev/null && echo open || echo closed`)).trim();
        const controlPlane = (await release.kubectl('get', 'pods', '-l', 'app.kubernetes.io/name=warren', '-o', 'jsonpath={.items[0].status.podIP}')).trim();
        const service = await release.serviceIp();
        assert.equal(await probe(controlPlane, 7082), 'open', 'heartbeats go out');
        for (const [host, port, what] of [['10.0.0.1', 443, 'the kubernetes Service'], [cluster.apiServerForPods.address, cluster.apiServerForPods.port, 'the API server'],
            [controlPlane, 7400, 'the gRPC API'], [controlPlane, 7401, 'metrics'], [controlPlane, 7080, 'the gateway'], [service, 80, 'the gateway\'s Service']] as const) {
            assert.equal(await probe(host, port), 'closed', `${what} (${host}:${port}) is out of reach`);
        }
        // The pod has no ServiceAccount token to try with, either.
        assert.equal((await ws('get', 'pod', 'ws-hello', '-o', 'jsonpath={.spec.automountServiceAccountToken}')).trim(), 'false');
    });

    it('has the CRD\'s schema and CEL rules refuse a bad Workspace, naming the field', async () => {
        const refusal = async (object: object, ...args: string[]): Promise<string> => {
            fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify(object));
            return cluster.kubectl([...args, '-f', path.join(tmp, 'bad.json'), '--dry-run=server']).then(out => `accepted: ${out}`, (err: Error) => err.message);
        };
        const workspace = (spec: object): object => ({ apiVersion: 'warren.dev/v1alpha1', kind: 'Workspace', metadata: { name: 'bad', namespace: 'warren-default' }, spec });
        const good = { tenant: 'default', displayName: 'Bad', className: 'small', desired: 'running' };
        const schema = await refusal(workspace({ ...good, tenant: 'Not A Tenant!', desired: 'sideways' }), 'create');
        assert.match(schema, /spec\.tenant: Invalid value: "Not A Tenant!"/, schema);
        assert.match(schema, /spec\.desired: Unsupported value: "sideways"/, schema);
        const cel = await refusal(workspace({ ...good, goEnv: { PATH: '/tmp/evil' } }), 'create');
        assert.match(cel, /spec\.goEnv: Invalid value: goEnv keys must be Go variables such as GOPROXY\./, cel);
        const hello = JSON.parse(await ws('get', 'workspace', 'hello', '-o', 'json'));
        hello.spec.tenant = 'other';
        const moved = await refusal(hello, 'replace');
        assert.match(moved, /spec\.tenant cannot change/, moved);
    });

    it('upgrades to a new control-plane image without stopping the running workspace', async () => {
        const uid = await wsPodUid();
        const next = `${imageValues(controlPlaneImage).repository}:upgrade-${imageValues(controlPlaneImage).tag}`;
        await podman('tag', controlPlaneImage, next);
        await cluster.importImage(next);
        const before = (await controlPlanePods()).map(p => p.name);
        values.image = imageValues(next);
        await release.apply('upgrade', values);
        const pods = await eventually('the old control plane pod gone', async () => {
            const now = await controlPlanePods();
            return now.length === 1 && !before.includes(now[0].name) ? now : undefined;
        }, 120_000);
        assert.equal(pods[0].image, next);
        assert.equal(await wsPodUid(), uid, 'the workspace pod was not replaced');
        // Still reachable, through the new control plane's gateway, with the same session.
        await idePage!.reload();
        await idePage!.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 90_000 });
        await new IdePage(browser, idePage!.context(), idePage!).openFile('main.go', EDIT);
        await dashboard.page.reload();
        await waitForPhase('running');
        assert.equal(await wsPodUid(), uid, 'the new leader adopted the pod');
    });

    it('uninstalls keeping the CRD, the Workspace and its volume; a new install finds the workspace and its files', async () => {
        const uninstalled = await release.uninstall();
        assert.match(uninstalled.stdout, /release "warren" uninstalled/);
        assert.match(uninstalled.stdout, /kept due to the resource policy:\s*\[CustomResourceDefinition\] workspaces\.warren\.dev/, 'helm says it kept the CRD');
        assert.equal((await cluster.kubectl(['get', 'crd', 'workspaces.warren.dev', '-o', 'name'])).trim(), 'customresourcedefinition.apiextensions.k8s.io/workspaces.warren.dev');
        assert.equal((await ws('get', 'workspace', 'hello', '-o', 'name')).trim(), 'workspace.warren.dev/hello');
        assert.equal((await ws('get', 'pvc', 'ws-hello-home', '-o', 'jsonpath={.status.phase}')).trim(), 'Bound');
        assert.deepEqual(await controlPlanePods(), [], 'no control plane is left');
        await idePage?.close();
        idePage = undefined;
        await release.apply('install', values);
        // A new Service, so a new cluster IP (DNS or the ingress would follow it); the session cookie is kept, and its
        // session too: the data folder is on a volume of its own.
        const session = await dashboard.page.context().storageState();
        await openBrowser(session);
        await eventually('the dashboard of the new install', async () => {
            const res = await dashboard.page.goto(`http://${HOST}/`).catch(() => undefined);
            return res?.ok() || undefined;
        }, 60_000);
        await row().waitFor({ timeout: 60_000 });
        if (await row().locator('[data-phase="running"]').count() === 0) {
            await row().getByRole('button', { name: 'Start', exact: true }).click();
        }
        await waitForPhase('running');
        const ide = await openIde();
        await ide.openFile('main.go', EDIT);
    });

    it('puts the chart\'s GPU class only on kwok GPU nodes, within the tenant\'s GPU quota', async () => {
        const gpuNodes = await cluster.addGpuNodes({ count: 2, gpus: 1, prefix: 'helm-gpu' });
        const create = (id: string): Promise<string> => release.kubectl('exec', 'deploy/warren', '--', 'sh', '-c',
            `warren --token "$(cat /var/lib/warren/data/admin-token)" workspace create ${id} --class gpu --tenant default -o json`);
        const workspace = async (id: string): Promise<{ status: { phase?: string; node?: string; failureReason?: string } }> =>
            JSON.parse(await ws('get', 'workspace', id, '-o', 'json'));
        await create('train');
        const first = await eventually('a node for train', async () => (await workspace('train')).status?.node ? workspace('train') : undefined, 120_000);
        assert.ok(gpuNodes.includes(first.status.node!), `${first.status.node} is one of ${gpuNodes.join(', ')}`);
        // The Grafana dashboard's "GPUs in use by tenant", from the control plane's own metrics endpoint.
        const metrics = await release.kubectl('exec', 'deploy/warren', '--', 'node', '-e',
            'fetch("http://127.0.0.1:7401/metrics").then(r => r.text()).then(t => process.stdout.write(t))');
        assert.match(metrics, /^warren_workspace_gpus\{tenant="default",resource="nvidia.com\/gpu"\} 1$/m);
        await create('second');
        const second = await eventually('second refused', async () => (await workspace('second')).status?.phase === 'failed' ? workspace('second') : undefined, 120_000);
        assert.match(second.status.failureReason!, /Quota exceeded for tenant default: requested: requests.nvidia.com\/gpu=1; used: requests.nvidia.com\/gpu=1; limited: requests.nvidia.com\/gpu=1/);
        for (const id of ['train', 'second']) {
            await release.kubectl('exec', 'deploy/warren', '--', 'sh', '-c', `warren --token "$(cat /var/lib/warren/data/admin-token)" workspace delete ${id} --tenant default --yes`);
        }
        await eventually('the GPU workspaces deleted', async () => (await ws('get', 'workspace', '-o', 'name')).trim() === 'workspace.warren.dev/hello' || undefined, 120_000);
        await cluster.removeNodes(gpuNodes);
    });
});
