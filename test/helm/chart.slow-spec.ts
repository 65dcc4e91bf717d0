import * as assert from 'node:assert/strict';
import * as child from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AddressInfo } from 'node:net';
import { CHART, helmBinary } from '@warren/testing';
import { checkClasses, parseClusterSettings, WORKSPACE_CRD } from '@warren/workspace-manager';
// yaml is in the root node_modules already (lerna's and Theia's dependency): a reader for the rendered chart.
import * as YAML from 'yaml';

/**
 * The Helm chart helm/warren: lint, golden renders of every ci/ case, the rendered configuration
 * accepted by the manager's own parsers, the CRD equal to WORKSPACE_CRD, RBAC without wildcards,
 * every schema rule and every validateValues problem refused with the value's path, and NOTES'
 * warnings (against a fake API server that answers discovery and lists nodes).
 *   UPDATE_GOLDEN=1  rewrites helm/warren/ci/golden/*.yaml and the chart's CRD
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const CI = path.join(CHART, 'ci');
const GOLDEN = path.join(CI, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const NAMESPACE = 'warren';

const HELM = helmBinary();
const helmMissing = fs.existsSync(HELM) ? false : `helm is not built at ${HELM} (packages/test-cluster builds it: scripts/test.sh without --skip-cluster)`;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-helm-'));
const ENV = {
    ...process.env, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data'),
    KUBECONFIG: path.join(home, 'no-kubeconfig')
};

interface Run { status: number; stdout: string; stderr: string }

function helm(args: string[], env: NodeJS.ProcessEnv = ENV): Run {
    const r = child.spawnSync(HELM, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function helmAsync(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise(resolve => child.execFile(HELM, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    }));
}

/** Values as a file (JSON is YAML): lists given here replace the chart's whole. */
function valuesFile(values: object): string {
    const file = path.join(home, `values-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(values));
    return file;
}

function template(args: string[]): Run {
    return helm(['template', 'warren', CHART, '--namespace', NAMESPACE, ...args]);
}

/** A ci case: its file and the extra helm arguments its "# helm-args:" line names. */
interface Case { name: string; file: string; args: string[] }
const CASES: Case[] = fs.readdirSync(CI).filter(f => f.endsWith('-values.yaml')).sort().map(f => {
    const text = fs.readFileSync(path.join(CI, f), 'utf8');
    const extra = /^# helm-args: (.*)$/m.exec(text);
    return { name: f.replace(/-values\.yaml$/, ''), file: path.join(CI, f), args: extra ? extra[1].trim().split(/\s+/) : [] };
});

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown };

function docs(text: string): Doc[] {
    return YAML.parseAllDocuments(text).map(d => d.toJS() as Doc).filter(d => d);
}

function render(c: Case | undefined): Doc[] {
    const r = template(c ? ['-f', c.file, ...c.args] : []);
    assert.equal(r.status, 0, r.stderr);
    return docs(r.stdout);
}

function find(all: Doc[], kind: string, name?: string): Doc {
    const d = all.find(x => x.kind === kind && (name === undefined || x.metadata.name === name));
    assert.ok(d, `no ${kind}${name ? ` ${name}` : ''} rendered`);
    return d;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('the Helm chart helm/warren', { skip: helmMissing }, () => {
    after(() => fs.rmSync(home, { recursive: true, force: true }));

    describe('helm lint --strict', () => {
        it('should pass with the default values', () => {
            const r = helm(['lint', '--strict', CHART]);
            assert.equal(r.status, 0, r.stdout + r.stderr);
        });
        for (const c of CASES) {
            it(`should pass with ci/${path.basename(c.file)}`, () => {
                const r = helm(['lint', '--strict', CHART, '-f', c.file]);
                assert.equal(r.status, 0, r.stdout + r.stderr);
            });
        }
    });

    describe('golden renders (UPDATE_GOLDEN=1 rewrites them)', () => {
        for (const c of [{ name: 'default', file: '', args: [] }, ...CASES]) {
            it(`should render ${c.name} as ci/golden/${c.name}.yaml`, () => {
                const r = template(c.file ? ['-f', c.file, ...c.args] : []);
                assert.equal(r.status, 0, r.stderr);
                const golden = path.join(GOLDEN, `${c.name}.yaml`);
                if (UPDATE) {
                    fs.mkdirSync(GOLDEN, { recursive: true });
                    fs.writeFileSync(golden, r.stdout);
                    return;
                }
                assert.ok(fs.existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1`);
                assert.equal(r.stdout, fs.readFileSync(golden, 'utf8'), `the render differs from ci/golden/${c.name}.yaml: review it, then run with UPDATE_GOLDEN=1`);
            });
        }
        it('should have no golden file without a case', () => {
            const names = new Set(['default', ...CASES.map(c => c.name)]);
            assert.deepEqual(fs.readdirSync(GOLDEN).filter(f => !names.has(f.replace(/\.yaml$/, ''))), []);
        });
    });

    describe('what it renders', () => {
        for (const c of [undefined, ...CASES]) {
            it(`should write cluster settings and classes that the manager accepts (${c?.name ?? 'default'})`, () => {
                const all = render(c);
                const config = all.find(d => d.kind === 'ConfigMap' && d.data && (d.data as Any)['cluster.json']) as Any;
                assert.ok(config, 'no ConfigMap with cluster.json');
                const settings = JSON.parse(config.data['cluster.json']);
                assert.deepEqual(parseClusterSettings(settings).problems, []);
                assert.equal(settings.controlPlaneNamespace, NAMESPACE);
                assert.match(settings.heartbeatUrl, /^http:\/\/[a-z0-9-]+\.warren\.svc:\d+$/);
                assert.deepEqual(checkClasses(JSON.parse(config.data['classes.json'])), []);
            });

            it(`should render objects with kind, name and, when namespaced, the release namespace (${c?.name ?? 'default'})`, () => {
                const cluster = new Set(['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);
                const seen = new Set<string>();
                for (const d of render(c)) {
                    assert.ok(d.apiVersion && d.kind && d.metadata?.name, JSON.stringify(d).slice(0, 200));
                    assert.ok(d.metadata.name.length <= 63 || d.kind === 'CustomResourceDefinition', d.metadata.name);
                    const key = `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`;
                    assert.ok(!seen.has(key), `${key} twice`);
                    seen.add(key);
                    assert.equal(d.metadata.namespace, cluster.has(d.kind) ? undefined : NAMESPACE, key);
                }
            });
        }

        it('should pass warren serve exactly these arguments (minimal case)', () => {
            const deployment = find(render(CASES.find(c => c.name === 'minimal')), 'Deployment') as Any;
            const container = deployment.spec.template.spec.containers[0];
            assert.equal(container.command, undefined, 'the image\'s entrypoint is warren serve --provider kubernetes');
            assert.deepEqual(container.args, [
                '--data-dir', '/var/lib/warren/data', '--host', '0.0.0.0', '--port', '7080', '--grpc-host', '0.0.0.0', '--grpc-port', '7400',
                '--metrics-port', '7401', '--public-url', 'https://warren.example.org', '--cluster-config', '/etc/warren/cluster.json',
                '--classes', '/etc/warren/classes.json',
                '--workspace-image', 'registry.example.org/warren/warren-workspace@sha256:2222222222222222222222222222222222222222222222222222222222222222'
            ]);
            assert.equal(container.image, 'registry.example.org/warren/warren-control-plane@sha256:1111111111111111111111111111111111111111111111111111111111111111');
            assert.equal(container.env, undefined);
        });

        it('should add the users file, trusted proxies, the owner tenant and --no-idle-stop when the values ask', () => {
            const args = (find(render(CASES.find(c => c.name === 'users-secret')), 'Deployment') as Any).spec.template.spec.containers[0].args as string[];
            assert.deepEqual(args.slice(args.indexOf('--users-file'), args.indexOf('--users-file') + 2), ['--users-file', '/etc/warren/users/users.json']);
            assert.deepEqual(args.slice(-5), ['--owner-tenant', 'admins', '--no-idle-stop', '--lease-seconds', '20']);
            const tls = (find(render(CASES.find(c => c.name === 'tls')), 'Deployment') as Any).spec.template.spec.containers[0].args as string[];
            assert.equal(tls[tls.indexOf('--trust-proxy') + 1], '10.244.0.0/16,fd00::/8');
        });

        it('should run the control plane non-root on a read-only root file system, with probes on the metrics port', () => {
            const pod = (find(render(undefined), 'Deployment') as Any).spec.template.spec;
            const c = pod.containers[0];
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
            assert.equal(c.securityContext.readOnlyRootFilesystem, true);
            assert.equal(c.securityContext.allowPrivilegeEscalation, false);
            assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
            assert.deepEqual([c.livenessProbe.httpGet, c.readinessProbe.httpGet], [{ path: '/healthz', port: 'metrics' }, { path: '/readyz', port: 'metrics' }]);
            assert.deepEqual(c.volumeMounts.map((m: Any) => m.mountPath).sort(), ['/etc/warren/classes.json', '/etc/warren/cluster.json', '/tmp', '/var/lib/warren']);
            assert.ok(pod.volumes.find((v: Any) => v.name === 'data').emptyDir);
        });

        it('should roll the pods when the configuration changes', () => {
            const checksum = (args: string[]): string => {
                const r = template([...args, '--show-only', 'templates/deployment.yaml']);
                assert.equal(r.status, 0, r.stderr);
                return (docs(r.stdout)[0] as Any).spec.template.metadata.annotations['checksum/config'];
            };
            assert.notEqual(checksum([]), checksum(['--set', 'cluster.defaultQuota.running=9']));
            assert.notEqual(checksum([]), checksum(['-f', valuesFile({ classes: [{ name: 'one', description: 'x', cpu: '1', memory: '1Gi', disk: '1Gi' }] })]));
        });

        it('should make a ServiceMonitor only where the API exists, else scrape annotations', () => {
            const without = render(undefined);
            assert.ok(!without.some(d => d.kind === 'ServiceMonitor'));
            assert.equal((find(without, 'Deployment') as Any).spec.template.metadata.annotations['prometheus.io/scrape'], 'true');
            const withApi = render(CASES.find(c => c.name === 'tls'));
            assert.equal(find(withApi, 'ServiceMonitor').metadata.labels?.release, 'prometheus');
            assert.equal((find(withApi, 'Deployment') as Any).spec.template.metadata.annotations['prometheus.io/scrape'], undefined);
        });

        it('should ship a dashboard that queries only metrics the manager and gateway export, GPUs by tenant among them', () => {
            const cm = find(render(undefined), 'ConfigMap', 'warren-dashboard') as Any;
            assert.equal(cm.metadata.labels.grafana_dashboard, '1');
            const dashboard = JSON.parse(cm.data['warren.json']);
            const exprs: string[] = dashboard.panels.flatMap((p: Any) => p.targets.map((t: Any) => t.expr));
            const names = new Set(exprs.flatMap(e => e.match(/warren_[a-z_]+/g) ?? []).map(n => n.replace(/_(bucket|sum|count)$/, '')));
            const sources = ['packages/workspace-manager/src/metrics.ts', 'packages/gateway/src/node/metrics.ts'].map(f => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
            for (const name of names) {
                assert.ok(sources.includes(`name: '${name}'`), `${name} is not a metric the manager or gateway exports`);
            }
            assert.ok(names.has('warren_workspaces') && names.has('warren_workspace_transition_seconds'));
            assert.ok(exprs.some(e => /by \(tenant, resource\) \(warren_workspace_gpus\{/.test(e)), 'GPUs in use by tenant');
        });
    });

    describe('the Workspace CRD', () => {
        it('should be WORKSPACE_CRD of @warren/workspace-manager (scripts/gen-crd.mjs; UPDATE_GOLDEN=1 rewrites it)', () => {
            const r = child.spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-crd.mjs'), ...(UPDATE ? ['--update'] : [])], { cwd: ROOT, encoding: 'utf8' });
            assert.equal(r.status, 0, r.stdout + r.stderr);
        });

        it('should render as WORKSPACE_CRD with only the keep policy added', () => {
            const crd = find(render(undefined), 'CustomResourceDefinition') as Any;
            assert.deepEqual(crd.metadata.annotations, { 'helm.sh/resource-policy': 'keep' });
            delete crd.metadata.annotations;
            assert.deepEqual(crd, JSON.parse(JSON.stringify(WORKSPACE_CRD)));
        });

        it('should be left to the manager with crd.install false, which then may create and patch it', () => {
            const all = render(undefined).filter(d => d.kind !== 'CustomResourceDefinition');
            const off = template(['--set', 'crd.install=false']);
            assert.equal(off.status, 0, off.stderr);
            const rendered = docs(off.stdout);
            assert.ok(!rendered.some(d => d.kind === 'CustomResourceDefinition'));
            const rule = (d: Doc[]): string[] => ((find(d, 'ClusterRole') as Any).rules as Any[]).find(r => r.resources.includes('customresourcedefinitions')).verbs;
            assert.deepEqual(rule(all), ['get']);
            assert.deepEqual(rule(rendered), ['get', 'create', 'patch']);
        });
    });

    describe('RBAC', () => {
        it('should grant exactly doc/cluster.md\'s permissions table, without wildcards', () => {
            const all = render(undefined);
            const flat = (d: Doc): string[] => ((d as Any).rules as Any[]).flatMap(r => r.apiGroups.flatMap((g: string) => r.resources.map((res: string) => `${g || 'core'}/${res}: ${r.verbs.join(',')}`))).sort();
            for (const d of [find(all, 'ClusterRole'), find(all, 'Role')]) {
                for (const rule of (d as Any).rules) {
                    assert.ok(![...rule.verbs, ...rule.resources, ...rule.apiGroups].includes('*'), JSON.stringify(rule));
                }
            }
            assert.deepEqual(flat(find(all, 'ClusterRole')), [
                'apiextensions.k8s.io/customresourcedefinitions: get',
                'core/configmaps: create,patch,delete',
                'core/events: list,watch',
                'core/limitranges: get,create,patch',
                'core/namespaces: get,create,patch',
                'core/nodes: list,watch',
                'core/persistentvolumeclaims: get,list,watch,create,patch,delete',
                'core/pods/log: get',
                'core/pods: get,list,watch,create,patch,delete',
                'core/resourcequotas: get,create,patch',
                'core/secrets: create,patch,delete',
                'networking.k8s.io/networkpolicies: get,create,patch',
                'warren.dev/workspaces/status: get,list,watch,create,update,patch,delete',
                'warren.dev/workspaces: get,list,watch,create,update,patch,delete'
            ]);
            assert.deepEqual(flat(find(all, 'Role')), ['coordination.k8s.io/leases: get,create,update', 'core/secrets: get,list,create,delete']);
            assert.equal(find(all, 'Role').metadata.namespace, NAMESPACE);
            assert.equal((find(all, 'ClusterRoleBinding') as Any).subjects[0].namespace, NAMESPACE);
        });
    });

    describe('values the schema refuses, naming the path', () => {
        const cls = { name: 'small', description: 'd', cpu: '2', memory: '4Gi', disk: '10Gi' };
        const cases: Array<[string, object, RegExp]> = [
            ['a top-level typo', { replicas: 2 }, /at '': additional properties 'replicas' not allowed/],
            ['a nested typo', { auth: { usersSecrets: 'x' } }, /at '\/auth': additional properties 'usersSecrets' not allowed/],
            ['a class field typo', { classes: [{ ...cls, gpucount: 1 }] }, /at '\/classes\/0': additional properties 'gpucount' not allowed/],
            ['a class without disk', { classes: [{ name: 'x', description: 'd', cpu: '1', memory: '1Gi' }] }, /at '\/classes\/0': missing property 'disk'/],
            ['no classes', { classes: [] }, /at '\/classes': minItems/],
            ['a fractional GPU count', { classes: [{ ...cls, gpuResource: 'nvidia.com/gpu', gpuCount: 0.5 }] }, /at '\/classes\/0\/gpuCount': got number, want integer/],
            ['zero GPUs', { classes: [{ ...cls, gpuResource: 'nvidia.com/gpu', gpuCount: 0 }] }, /at '\/classes\/0\/gpuCount': minimum/],
            ['a GPU resource without a count', { classes: [{ ...cls, gpuResource: 'nvidia.com/gpu' }] }, /at '\/classes\/0': properties 'gpuCount' required/],
            ['a GPU count without a resource', { classes: [{ ...cls, gpuCount: 1 }] }, /at '\/classes\/0': properties 'gpuResource' required/],
            ['a malformed GPU resource', { classes: [{ ...cls, gpuResource: 'gpu', gpuCount: 1 }] }, /at '\/classes\/0\/gpuResource'/],
            ['a malformed cpu', { classes: [{ ...cls, cpu: '2 cores' }] }, /at '\/classes\/0\/cpu'/],
            ['a malformed memory', { classes: [{ ...cls, memory: '4GB' }] }, /at '\/classes\/0\/memory'/],
            ['a malformed request', { classes: [{ ...cls, requests: { memory: 'lots' } }] }, /at '\/classes\/0\/requests\/memory'/],
            ['a class name that is no DNS label', { classes: [{ ...cls, name: 'Small' }] }, /at '\/classes\/0\/name'/],
            ['a toleration effect', { classes: [{ ...cls, tolerations: [{ key: 'a', effect: 'NoSchedul' }] }] }, /at '\/classes\/0\/tolerations\/0\/effect'/],
            ['a runtime class name', { classes: [{ ...cls, runtimeClassName: 'Nvidia' }] }, /at '\/classes\/0\/runtimeClassName'/],
            ['a scheduling timeout of 0', { classes: [{ ...cls, schedulingTimeoutSeconds: 0 }] }, /at '\/classes\/0\/schedulingTimeoutSeconds'/],
            ['a node selector label key', { classes: [{ ...cls, nodeSelector: { 'bad key': 'x' } }] }, /at '\/classes\/0\/nodeSelector': additional properties 'bad key' not allowed/],
            ['a scheme', { scheme: 'ftp' }, /at '\/scheme'/],
            ['a host that is an address', { host: '10.0.0.1' }, /at '\/host'/],
            ['a pull policy', { image: { repository: 'r', pullPolicy: 'Sometimes' } }, /at '\/image\/pullPolicy'/],
            ['a digest', { workspaceImage: { repository: 'r', digest: 'sha256:abc' } }, /at '\/workspaceImage\/digest'/],
            ['a repository with a tag', { image: { repository: 'r:1.0 x' } }, /at '\/image\/repository'/],
            ['zero replicas', { replicaCount: 0 }, /at '\/replicaCount'/],
            ['a Recreate rollout', { updateStrategy: { type: 'Recreate' } }, /at '\/updateStrategy\/type'/],
            ['a port out of range', { ports: { http: 70800, grpc: 7400, metrics: 7401, heartbeat: 7082 } }, /at '\/ports\/http'/],
            ['a service type', { service: { type: 'External' } }, /at '\/service\/type'/],
            ['a trusted proxy that is a name', { trustProxy: ['ingress-nginx'] }, /at '\/trustProxy\/0'/],
            ['a namespace prefix without "-"', { cluster: { namespacePrefix: 'warren' } }, /at '\/cluster\/namespacePrefix'/],
            ['a goEnv key that is no Go variable', { cluster: { goEnv: { PROXY: 'x' } } }, /at '\/cluster\/goEnv': additional properties 'PROXY' not allowed/],
            ['a tenant name with "--"', { cluster: { tenants: { 'team--a': {} } } }, /at '\/cluster\/tenants': additional properties 'team--a' not allowed/],
            ['a quota GPU count below zero', { cluster: { defaultQuota: { gpus: { 'nvidia.com/gpu': -1 } } } }, /at '\/cluster\/defaultQuota\/gpus\/nvidia.com~1gpu'/],
            ['a quota quantity', { cluster: { tenants: { a: { memory: '32 GiB' } } } }, /at '\/cluster\/tenants\/a\/memory'/],
            ['a NetworkPolicy peer typo', { networkPolicy: { gatewayFrom: [{ namespaceSelectors: {} }] } }, /at '\/networkPolicy\/gatewayFrom\/0'/],
            ['an empty NetworkPolicy peer', { cluster: { controlPlanePeers: [{}] } }, /at '\/cluster\/controlPlanePeers\/0': minProperties/],
            ['a GPU taint without effect', { gpuNodeTaints: [{ key: 'nvidia.com/gpu' }] }, /at '\/gpuNodeTaints\/0': missing property 'effect'/],
            ['a PDB percentage', { podDisruptionBudget: { maxUnavailable: 'half' } }, /at '\/podDisruptionBudget\/maxUnavailable'/],
            ['a ServiceMonitor interval', { metrics: { serviceMonitor: { interval: '30' } } }, /at '\/metrics\/serviceMonitor\/interval'/]
        ];
        for (const [what, values, message] of cases) {
            it(`should refuse ${what}`, () => {
                const r = template(['-f', valuesFile(values)]);
                assert.notEqual(r.status, 0, 'rendered although invalid');
                assert.match(r.stderr, /values don't meet the specifications of the schema/);
                assert.match(r.stderr, message);
            });
        }
    });

    describe('values validateValues refuses, all at once', () => {
        const gpu = { name: 'gpu', description: 'd', cpu: '8', memory: '32Gi', disk: '100Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1 };
        const tolerated = { ...gpu, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };
        const cases: Array<[string, object, string, string?]> = [
            ['TLS without a secret', { tls: { enabled: true }, ingress: { enabled: true } }, 'tls.secretName: required with tls.enabled'],
            ['TLS with nothing to serve it', { tls: { enabled: true, secretName: 's' } }, 'tls.enabled: only the chart\'s Ingress'],
            ['TLS with http', { scheme: 'http', tls: { enabled: true, secretName: 's' }, ingress: { enabled: true } }, 'scheme: "http" with tls.enabled'],
            ['an Ingress and an HTTPRoute', { ingress: { enabled: true }, httpRoute: { enabled: true, parentRefs: [{ name: 'g' }] } }, 'ingress.enabled, httpRoute.enabled: choose one'],
            ['an HTTPRoute with no Gateway', { httpRoute: { enabled: true } }, 'httpRoute.parentRefs: name the Gateway'],
            ['a Gateway without a route', { httpRoute: { gateway: { create: true, className: 'eg' } } }, 'httpRoute.gateway.create: needs httpRoute.enabled'],
            ['a Gateway without a class', { httpRoute: { enabled: true, gateway: { create: true } } }, 'httpRoute.gateway.className: required'],
            ['the heartbeat port on the gateway\'s', { ports: { http: 7080, grpc: 7400, metrics: 7401, heartbeat: 7080 } }, 'ports.heartbeat: 7080 is ports.http\'s port too'],
            ['an argument the chart sets', { extraArgs: ['--port=8080'] }, 'extraArgs: --port is set by the chart'],
            ['one claim for two replicas', { replicaCount: 2, persistence: { existingClaim: 'data' } }, 'persistence.existingClaim: one claim cannot be the data folder of 2 replicas'],
            ['both PDB bounds', { podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }, 'podDisruptionBudget.minAvailable, podDisruptionBudget.maxUnavailable: set one'],
            ['a class name twice', { classes: [tolerated, { ...tolerated, description: 'again' }] }, 'classes[1] (gpu).name: the name is used by classes[0] too'],
            ['a GPU class that does not tolerate the GPU nodes\' taint', { classes: [gpu] }, 'classes[0] (gpu).tolerations: the GPU nodes\' taint nvidia.com/gpu:NoSchedule (gpuNodeTaints) is not tolerated'],
            ['a GPU class whose toleration has another effect', { classes: [{ ...gpu, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }] }] },
                'classes[0] (gpu).tolerations: the GPU nodes\' taint'],
            ['a tenant quota for a GPU resource no class uses', { classes: [tolerated], cluster: { tenants: { a: { gpus: { 'nvidia.com/mig-1g.10gb': 1 } } } } },
                'cluster.tenants.a.gpus["nvidia.com/mig-1g.10gb"]: no class uses this resource (the classes\' gpuResource: nvidia.com/gpu)'],
            ['a default quota for a GPU resource no class uses', { cluster: { defaultQuota: { gpus: { 'nvidia.com/gpu': 1 } } } }, 'cluster.defaultQuota.gpus["nvidia.com/gpu"]: no class uses this resource'],
            ['a tenant whose namespace is the release namespace', { cluster: { tenants: { system: {} } } }, 'cluster.tenants.system: its namespace warren-system is the release namespace', 'warren-system']
        ];
        for (const [what, values, message, namespace] of cases) {
            it(`should refuse ${what}`, () => {
                const r = template(['-f', valuesFile(values), ...(namespace ? ['--namespace', namespace] : [])]);
                assert.notEqual(r.status, 0, 'rendered although invalid');
                assert.match(r.stderr, /The values have \d+ problem\(s\):/);
                assert.ok(r.stderr.includes(`  - ${message}`), r.stderr);
            });
        }

        it('should list every problem in one failure', () => {
            const r = template(['-f', valuesFile({
                tls: { enabled: true }, ingress: { enabled: true }, httpRoute: { enabled: true },
                ports: { http: 7080, grpc: 7400, metrics: 7401, heartbeat: 7400 }, classes: [gpu]
            })]);
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /The values have 5 problem\(s\):/);
            for (const p of ['tls.secretName', 'ingress.enabled, httpRoute.enabled', 'httpRoute.parentRefs', 'ports.heartbeat', 'classes[0] (gpu).tolerations']) {
                assert.ok(r.stderr.includes(`  - ${p}:`), `${p} missing in:\n${r.stderr}`);
            }
            assert.equal(r.stderr.match(/The values have/g)?.length, 1);
        });

        it('should accept a GPU class tolerated by cluster.tolerations, or by an empty key with Exists', () => {
            for (const values of [
                { classes: [gpu], cluster: { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }] } },
                { classes: [{ ...gpu, tolerations: [{ operator: 'Exists' }] }] },
                { classes: [gpu], gpuNodeTaints: [] }
            ]) {
                const r = template(['-f', valuesFile(values)]);
                assert.equal(r.status, 0, r.stderr);
            }
        });
    });

    describe('NOTES.txt, against a fake API server', () => {
        let server: http.Server;
        let kubeconfig: string;
        let nodes: object[] = [];

        before(async () => {
            server = http.createServer(fakeApiServer(() => nodes));
            await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
            kubeconfig = path.join(home, 'kubeconfig');
            fs.writeFileSync(kubeconfig, YAML.stringify({
                apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
                clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
                users: [{ name: 'fake', user: {} }], contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }]
            }));
        });
        after(() => new Promise<void>(resolve => server.close(() => resolve())));

        // Not spawnSync: the fake API server answers from this process's event loop.
        async function notes(dryRun: 'client' | 'server', values: object): Promise<string> {
            const r = await helmAsync(['install', 'warren', CHART, '--namespace', NAMESPACE, `--dry-run=${dryRun}`, '--disable-openapi-validation', '-f', valuesFile(values)],
                { ...ENV, KUBECONFIG: kubeconfig });
            assert.equal(r.status, 0, r.stderr);
            const at = r.stdout.indexOf('NOTES:');
            assert.ok(at >= 0, r.stdout);
            return r.stdout.slice(at);
        }
        const gpuClasses = {
            classes: [
                { name: 'small', description: 'd', cpu: '2', memory: '4Gi', disk: '10Gi' },
                { name: 'h100', description: 'd', cpu: '8', memory: '32Gi', disk: '10Gi', gpuResource: 'nvidia.com/gpu', gpuCount: 1, tolerations: [{ operator: 'Exists' }] },
                { name: 'mig', description: 'd', cpu: '2', memory: '8Gi', disk: '10Gi', gpuResource: 'nvidia.com/mig-1g.10gb', gpuCount: 1, tolerations: [{ operator: 'Exists' }] }
            ]
        };

        it('should say how to open it, sign in, watch workspaces and what uninstall leaves', async () => {
            const text = await notes('client', { host: 'warren.example.org' });
            assert.match(text, /Open https:\/\/warren\.example\.org\//);
            assert.match(text, /kubectl -n warren exec deploy\/warren -- warren login-url --data-dir \/var\/lib\/warren\/data/);
            assert.match(text, /cat \/var\/lib\/warren\/data\/admin-token/);
            assert.match(text, /kubectl get workspaces -A/);
            assert.match(text, /keeps the Workspace CRD/);
            assert.match(text, /kubectl delete workspaces --all -A/);
            assert.match(text, /kubectl delete crd workspaces\.warren\.dev/);
        });

        it('should warn about replicas without sticky sessions, not fail', async () => {
            assert.match(await notes('client', { replicaCount: 2 }), /replicaCount is 2 but auth\.stickySessions is false/);
            assert.doesNotMatch(await notes('client', { replicaCount: 2, auth: { stickySessions: true } }), /auth\.stickySessions is false/);
        });

        it('should warn about a GPU resource no node advertises, from a lookup of the nodes', async () => {
            nodes = [
                { metadata: { name: 'cpu-1' }, status: { allocatable: { cpu: '8', memory: '32Gi' } } },
                { metadata: { name: 'gpu-1' }, status: { allocatable: { cpu: '64', 'nvidia.com/gpu': '8' } } }
            ];
            const text = await notes('server', gpuClasses);
            assert.match(text, /no node advertises nvidia\.com\/mig-1g\.10gb, which the classes mig ask for/);
            assert.doesNotMatch(text, /no node advertises nvidia\.com\/gpu,/);
        });

        it('should skip that warning when the lookup answers nothing (--dry-run=client, helm template)', async () => {
            nodes = [];
            assert.doesNotMatch(await notes('client', gpuClasses), /no node advertises/);
            assert.doesNotMatch(await notes('server', gpuClasses), /no node advertises/);
        });
    });
});

/**
 * Just enough of an API server for `helm install --dry-run`: version, discovery of the kinds the
 * chart makes (so helm maps every object: a kind that exists nowhere fails here), an empty release
 * history, not-found for every object, and the nodes given.
 */
function fakeApiServer(nodes: () => object[]): http.RequestListener {
    const resources: Record<string, Array<[string, string, boolean]>> = {
        'v1': [['namespaces', 'Namespace', false], ['nodes', 'Node', false], ['pods', 'Pod', true], ['services', 'Service', true], ['configmaps', 'ConfigMap', true],
            ['secrets', 'Secret', true], ['serviceaccounts', 'ServiceAccount', true], ['persistentvolumeclaims', 'PersistentVolumeClaim', true]],
        'apps/v1': [['deployments', 'Deployment', true]],
        'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
        'networking.k8s.io/v1': [['networkpolicies', 'NetworkPolicy', true], ['ingresses', 'Ingress', true]],
        'rbac.authorization.k8s.io/v1': [['clusterroles', 'ClusterRole', false], ['clusterrolebindings', 'ClusterRoleBinding', false], ['roles', 'Role', true], ['rolebindings', 'RoleBinding', true]],
        'apiextensions.k8s.io/v1': [['customresourcedefinitions', 'CustomResourceDefinition', false]],
        'gateway.networking.k8s.io/v1': [['gateways', 'Gateway', true], ['httproutes', 'HTTPRoute', true]]
    };
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    return (req, res) => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const send = (status: number, body: object): void => {
            res.writeHead(status, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(body));
        };
        const p = url.pathname;
        if (p === '/version') {
            return send(200, { major: '1', minor: '35', gitVersion: 'v1.35.4', platform: 'linux/amd64' });
        }
        if (p === '/api') {
            return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
        }
        if (p === '/apis') {
            const groups = Object.keys(resources).filter(gv => gv.includes('/')).map(gv => {
                const [name, version] = gv.split('/');
                return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
            });
            return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
        }
        const gv = p === '/api/v1' ? 'v1' : p.replace(/^\/apis\//, '');
        if (resources[gv]) {
            return send(200, {
                kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
                resources: resources[gv].map(([name, kind, namespaced]) => ({ name, singularName: '', namespaced, kind, verbs }))
            });
        }
        if (req.method === 'GET' && p === '/api/v1/nodes') {
            return send(200, { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: nodes() });
        }
        if (req.method === 'GET' && /^\/api\/v1\/namespaces\/[^/]+\/secrets$/.test(p)) {
            return send(200, { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [] });
        }
        return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${p} not found` });
    };
}
