import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const MAIN = path.join(__dirname, 'main.js');

/** `warren serve --provider kubernetes` refuses bad input before it starts anything, and says what to fix. No cluster is needed for these. */
describe('warren serve --provider kubernetes, given what cannot work', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-serve-k8s-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const serve = (...args: string[]): { code: number | null; stderr: string } => {
        const r = spawnSync(process.execPath, [MAIN, 'serve', '--data-dir', path.join(dir, 'data'), '--port', '0', '--grpc-port', '0', '--metrics-port', '0', ...args],
            { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECONFIG: path.join(dir, 'none') } });
        return { code: r.status, stderr: r.stderr };
    };
    const write = (name: string, content: string): string => {
        fs.writeFileSync(path.join(dir, name), content);
        return path.join(dir, name);
    };

    it('lists every problem of the cluster settings at once, each with its field', () => {
        const config = write('bad.json', JSON.stringify({ imagePullPolicy: 'Sometimes', tenants: { t1: { gpus: { 'nvidia.com/gpu': 0.5 } } }, namspacePrefix: 'x-' }));
        const r = serve('--provider', 'kubernetes', '--cluster-config', config);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /bad\.json has \d+ problems:/);
        assert.match(r.stderr, /namspacePrefix: not a setting/);
        assert.match(r.stderr, /image: the workspace image is required .* pass --workspace-image/);
        assert.match(r.stderr, /imagePullPolicy: must be Always, IfNotPresent or Never/);
        assert.match(r.stderr, /tenants\.t1\.gpus\["nvidia.com\/gpu"\]: must be a whole number of devices/);
        assert.ok(!fs.existsSync(path.join(dir, 'data')), 'nothing was made');
    });

    it('names the cluster it cannot reach, and how to fix it', () => {
        const kubeconfig = write('kubeconfig', [
            'apiVersion: v1', 'kind: Config', 'current-context: c',
            'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
            'users: [{ name: u, user: { token: x } }]', 'contexts: [{ name: c, context: { cluster: c, user: u } }]'
        ].join('\n'));
        const config = write('ok.json', JSON.stringify({ heartbeatListen: '127.0.0.1:0' }));
        const r = serve('--provider', 'kubernetes', '--kubeconfig', kubeconfig, '--cluster-config', config, '--workspace-image', 'localhost/ws:1');
        assert.equal(r.code, 1);
        assert.match(r.stderr, /The Kubernetes API server at https:\/\/127\.0\.0\.1:1 could not be reached .*ECONNREFUSED.* Check that the cluster runs and the kubeconfig points at it/);
    });

    it('refuses a kubeconfig that is not one, and kubernetes options without the kubernetes provider', () => {
        const r = serve('--provider', 'kubernetes', '--kubeconfig', write('garbage', ': : :'), '--workspace-image', 'x', '--cluster-config', write('hb.json', '{"heartbeatListen":"127.0.0.1:0"}'));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /Could not read the kubeconfig .*garbage|names no current cluster/);
        const local = serve('--kubeconfig', path.join(dir, 'garbage'));
        assert.equal(local.code, 1);
        assert.match(local.stderr, /--kubeconfig, --cluster-config and --workspace-image are for --provider kubernetes/);
        assert.match(serve('--provider', 'nomad').stderr, /--provider must be "local" .* or "kubernetes"/);
    });
});
