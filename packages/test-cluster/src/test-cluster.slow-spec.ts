import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, NetworkingV1Api, V1Pod, Watch } from '@kubernetes/client-node';
import { eventually as poll } from '@warren/testing';
import { startTestCluster, TestCluster, testClusterPaths, testClusterUnavailable } from './index';

const unavailable = testClusterUnavailable();

/**
 * A static Go HTTP server: GET / says who it runs as, /file reads (GET) or writes (PUT) a file, /fetch GETs a URL,
 * /dns looks a name up, /apiserver GETs an API path through the kubernetes Service as the pod's ServiceAccount.
 */
const SERVER = `package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	go func() {
		s := make(chan os.Signal, 1)
		signal.Notify(s, syscall.SIGTERM, syscall.SIGINT)
		<-s
		os.Exit(0)
	}()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "warren-test-http uid=%d gid=%d\\n", os.Getuid(), os.Getgid())
	})
	http.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("path")
		if r.Method == http.MethodPut {
			data, _ := io.ReadAll(r.Body)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				http.Error(w, err.Error(), 500)
			}
			return
		}
		data, err := os.ReadFile(p)
		if err != nil {
			http.Error(w, err.Error(), 404)
			return
		}
		w.Write(data)
	})
	http.HandleFunc("/fetch", func(w http.ResponseWriter, r *http.Request) {
		// a connection of its own each time: one kept alive from before a NetworkPolicy would stay allowed
		c := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(r.URL.Query().Get("url"))
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	http.HandleFunc("/dns", func(w http.ResponseWriter, r *http.Request) {
		addrs, err := net.LookupHost(r.URL.Query().Get("name"))
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		fmt.Fprintln(w, strings.Join(addrs, " "))
	})
	// what any in-cluster client does: the Service from the environment, the CA and token from the ServiceAccount volume
	http.HandleFunc("/apiserver", func(w http.ResponseWriter, r *http.Request) {
		const sa = "/var/run/secrets/kubernetes.io/serviceaccount/"
		ca, err1 := os.ReadFile(sa + "ca.crt")
		token, err2 := os.ReadFile(sa + "token")
		if err := errors.Join(err1, err2); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(ca)
		c := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, DisableKeepAlives: true}}
		url := "https://" + net.JoinHostPort(os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")) + r.URL.Query().Get("path")
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
		resp, err := c.Do(req)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
	if err := http.ListenAndServe(":8080", nil); err != nil {
		panic(err)
	}
}
`;

/** Builds the server with Go and an image FROM scratch with buildah (USER 1000): no registry, no base image. */
function buildServerImage(): string {
    const tag = `localhost/warren-test-http:${crypto.createHash('sha1').update(SERVER).digest('hex').slice(0, 12)}`;
    if (spawnSync('podman', ['image', 'exists', tag]).status === 0) {
        return tag;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-test-http-'));
    try {
        fs.writeFileSync(path.join(dir, 'main.go'), SERVER);
        fs.writeFileSync(path.join(dir, 'go.mod'), 'module warrentesthttp\n\ngo 1.22\n');
        fs.writeFileSync(path.join(dir, 'Containerfile'), 'FROM scratch\nCOPY server /server\nUSER 1000:1000\nEXPOSE 8080\nENTRYPOINT ["/server"]\n');
        const cache = testClusterPaths().cache;
        execFileSync(process.env.WARREN_GO ?? 'go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', 'server', '.'], {
            cwd: dir, stdio: 'inherit',
            env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', GOCACHE: path.join(cache, 'gocache') }
        });
        execFileSync('buildah', ['bud', '-q', '--runtime', '/usr/sbin/runc', '-t', tag, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
        return tag;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The shared poll-until, with the longer default a cluster's changes need. */
function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
    return poll(what, fn, timeoutMs);
}

/** One HTTP request on a connection of its own (no pooling: a connection attempt that hangs is never reused). */
function request(url: string, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, agent: false, timeout: 3000 }, res => {
            let text = '';
            res.setEncoding('utf8').on('data', d => text += d).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 3 s`)));
        req.on('error', reject);
        req.end(body);
    });
}

/** What the cluster may change on the host: compared before start and after stop. */
function hostSnapshot(): Record<string, string> {
    const sh = (cmd: string): string => spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout;
    const p = testClusterPaths();
    return {
        // only rules that can be ours: other jobs on this machine (podman) change iptables meanwhile
        iptables: sh(`for t in iptables ip6tables; do "$t-save" 2>/dev/null | grep -E 'KUBE-|kube-router|10\\.244\\.|warren'; done`
            + ` | sed -E 's/\\[[0-9]+:[0-9]+\\]//'`),
        nft: sh('nft list tables 2>/dev/null | sort'),
        ipsets: sh('ipset list -n 2>/dev/null | grep -E "^(KUBE-|kube-router)"'),
        ipForward: fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'),
        sysctls: ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops'].map(s => fs.readFileSync(`/proc/sys/${s}`, 'utf8')).join(','),
        hostPaths: ['/var/lib/kubelet', '/var/log/containers', '/var/lib/cni', '/var/log/pods', '/run/netns']
            .map(h => `${h}:${fs.existsSync(h)}`).join(' '),
        cgroups: sh('ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null'),
        bridge: sh(`ip -br link show ${p.bridge} 2>/dev/null`),
        mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(l => l.includes(p.cache)).join('\n'),
        processes: fs.readdirSync('/proc').filter(d => /^\d+$/.test(d)).filter(d => {
            try {
                const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
                const state = fs.readFileSync(`/proc/${d}/status`, 'utf8');
                return !/^State:\s*Z/m.test(state) && (cmd.includes(p.clusterDir) || cmd.includes(p.nodeDir));
            } catch {
                return false;
            }
        }).join(' ')
    };
}

function podOnRealNode(cluster: TestCluster, name: string, image: string, volumeClaim?: string): V1Pod {
    return {
        metadata: { name, labels: { app: name } },
        spec: {
            nodeSelector: cluster.realNodeSelector,
            tolerations: [cluster.realNodeToleration],
            terminationGracePeriodSeconds: 2,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
                name: 'web',
                image,
                imagePullPolicy: 'Never',
                ports: [{ containerPort: 8080 }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '20m', memory: '16Mi' }, limits: { memory: '64Mi' } },
                readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
                volumeMounts: volumeClaim ? [{ name: 'data', mountPath: '/data' }] : []
            }],
            volumes: volumeClaim ? [{ name: 'data', persistentVolumeClaim: { claimName: volumeClaim } }] : []
        }
    };
}

describe('the test cluster (real control plane, a real node, kwok nodes)', { skip: unavailable }, () => {
    let cluster: TestCluster;
    let core: CoreV1Api;
    let image: string;
    let hostBefore: Record<string, string>;
    const ns = 'tc-restricted';

    const readyPod = (name: string): Promise<V1Pod> => eventually(`pod ${name} Ready`, async () => {
        const pod = await core.readNamespacedPod({ name, namespace: ns });
        return pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ? pod : undefined;
    });
    const deletePod = async (name: string): Promise<void> => {
        await core.deleteNamespacedPod({ name, namespace: ns });
        await eventually(`pod ${name} gone`, async () => {
            try {
                await core.readNamespacedPod({ name, namespace: ns });
                return undefined;
            } catch {
                return true;
            }
        });
    };

    before(async () => {
        hostBefore = hostSnapshot();
        image = buildServerImage();
        const t0 = Date.now();
        cluster = await startTestCluster({ networkPolicy: true });
        process.stderr.write(`# test cluster up (control plane + real node) in ${Date.now() - t0} ms\n`);
        core = cluster.kubeConfig.makeApiClient(CoreV1Api);
        await core.createNamespace({
            body: {
                metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } }
            }
        });
    });

    after(async () => {
        await cluster?.stop();
    });

    it('has the real node Ready beside kwok nodes, each managed by its own kubelet', async () => {
        const [cpu] = await cluster.addCpuNodes(1);
        const nodes = (await core.listNode({})).items;
        const ready = (n: string): boolean =>
            !!nodes.find(x => x.metadata?.name === n)?.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True');
        assert.ok(ready('real-0'), 'real-0 is Ready');
        assert.ok(ready(cpu), `${cpu} is Ready`);
        const real = nodes.find(n => n.metadata?.name === 'real-0')!;
        assert.equal(real.metadata?.labels?.['warren.dev/test-node'], 'real');
        assert.deepEqual(real.spec?.taints?.map(t => `${t.key}=${t.value}:${t.effect}`), ['warren.dev/test-node=real:NoSchedule']);
        assert.equal(real.status?.nodeInfo?.kubeletVersion, 'v1.35.4', 'a real kubelet, not kwok');
        const lease = await eventually('the lease of real-0', async () =>
            (await cluster.kubectl(['-n', 'kube-node-lease', 'get', 'lease', 'real-0', '-o', 'jsonpath={.spec.holderIdentity}'])) || undefined);
        assert.equal(lease, 'real-0', 'its own kubelet holds it, not kwok');
        await cluster.removeNodes([cpu]);
    });

    it('runs a restricted pod from a locally built image on real-0 as uid 1000, reachable over HTTP from the host', async () => {
        await cluster.importImage(image);
        await core.createNamespacedPod({ namespace: ns, body: podOnRealNode(cluster, 'web', image) });
        const pod = await readyPod('web');
        assert.equal(pod.spec?.nodeName, 'real-0');
        const body = (await request(`http://${pod.status!.podIP}:8080/`)).text;
        assert.equal(body.trim(), 'warren-test-http uid=1000 gid=1000');
        // kube-proxy: the ClusterIP of a Service answers too
        const svc = await core.createNamespacedService({
            namespace: ns, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }
        });
        // (first until kube-proxy has programmed it: a connection made before goes out unchanged, and hangs)
        await eventually('kube-proxy to program the ClusterIP', async () =>
            execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).includes(`-d ${svc.spec!.clusterIP}/32`) || undefined);
        const viaService = await eventually('the ClusterIP to answer', async () => {
            const r = await request(`http://${svc.spec!.clusterIP}/`);
            return r.status === 200 ? r.text : undefined;
        });
        assert.match(viaService, /uid=1000/);
        // a pod on real-0 reaches the host at hostAddressForPods
        const server = http.createServer((_req, res) => res.end('host says hi'));
        await new Promise<void>(resolve => server.listen(0, '0.0.0.0', resolve));
        try {
            const port = (server.address() as { port: number }).port;
            const r = await request(`http://${pod.status!.podIP}:8080/fetch?url=${encodeURIComponent(`http://${cluster.hostAddressForPods}:${port}/`)}`);
            assert.equal(r.text, 'host says hi');
        } finally {
            server.close();
        }
        // the restricted profile is enforced
        const rootPod: V1Pod = { metadata: { name: 'root' }, spec: { containers: [{ name: 'c', image }] } };
        await assert.rejects(core.createNamespacedPod({ namespace: ns, body: rootPod }),
            (err: { code?: number; body?: string }) =>
                err.code === 403 && /violates PodSecurity "restricted:latest"/.test(JSON.parse(err.body ?? '{}').message));
        await core.deleteNamespacedService({ name: 'web', namespace: ns });
        await deletePod('web');
    });

    it('keeps a file on a provisioned volume across pod re-creation', async () => {
        await core.createNamespacedPersistentVolumeClaim({
            namespace: ns,
            body: {
                metadata: { name: 'data' },
                spec: { storageClassName: cluster.storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } }
            }
        });
        await core.createNamespacedPod({ namespace: ns, body: podOnRealNode(cluster, 'store', image, 'data') });
        let pod = await readyPod('store');
        const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: ns });
        assert.equal(claim.status?.phase, 'Bound');
        const pv = await core.readPersistentVolume({ name: claim.spec!.volumeName! });
        assert.ok(pv.spec?.local?.path, 'a local volume on the real node');
        assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0].matchExpressions?.[0].values, ['real-0']);
        assert.equal(pv.spec?.capacity?.storage, '64Mi');
        const put = await request(`http://${pod.status!.podIP}:8080/file?path=/data/stamp`, 'PUT', 'written by the first pod');
        assert.equal(put.status, 200, put.text);
        assert.equal(fs.statSync(path.join(pv.spec!.local!.path, 'stamp')).uid, 1000);
        await deletePod('store');
        await core.createNamespacedPod({ namespace: ns, body: podOnRealNode(cluster, 'store', image, 'data') });
        pod = await readyPod('store');
        const got = await request(`http://${pod.status!.podIP}:8080/file?path=/data/stamp`);
        assert.equal(got.text, 'written by the first pod');
        await deletePod('store');
        await core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: ns });
        await eventually('the provisioner to delete the PV', async () => {
            try {
                await core.readPersistentVolume({ name: pv.metadata!.name! });
                return undefined;
            } catch {
                return true;
            }
        });
        assert.equal(fs.existsSync(pv.spec!.local!.path), false);
    });

    it('schedules a GPU pod on a kwok GPU node and leaves one beyond capacity Pending', async () => {
        const [gpuNode] = await cluster.addGpuNodes({ count: 1, gpus: 2 });
        const node = await core.readNode({ name: gpuNode });
        assert.equal(node.status?.allocatable?.['nvidia.com/gpu'], '2');
        assert.equal(node.metadata?.labels?.['nvidia.com/gpu.product'], 'NVIDIA-H100-80GB-HBM3');
        const gpuPod = (name: string, gpus: number): V1Pod => ({
            metadata: { name },
            spec: {
                nodeSelector: { 'nvidia.com/gpu.present': 'true' },
                tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
                securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [{
                    name: 'main', image: 'nvidia/cuda:12.4.1-base-ubuntu22.04', resources: { limits: { 'nvidia.com/gpu': String(gpus) } },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }
                }]
            }
        });
        await core.createNamespacedPod({ namespace: ns, body: gpuPod('gpu-a', 2) });
        const running = await eventually('gpu-a Running', async () => {
            const p = await core.readNamespacedPod({ name: 'gpu-a', namespace: ns });
            return p.status?.phase === 'Running' ? p : undefined;
        });
        assert.equal(running.spec?.nodeName, gpuNode);
        await core.createNamespacedPod({ namespace: ns, body: gpuPod('gpu-b', 1) });
        const message = await eventually('gpu-b to be unschedulable', async () => {
            const p = await core.readNamespacedPod({ name: 'gpu-b', namespace: ns });
            const c = p.status?.conditions?.find(x => x.type === 'PodScheduled' && x.status === 'False');
            return c?.message;
        });
        assert.match(message, /Insufficient nvidia\.com\/gpu/);
        assert.equal((await core.readNamespacedPod({ name: 'gpu-b', namespace: ns })).status?.phase, 'Pending');
        await core.deleteNamespacedPod({ name: 'gpu-b', namespace: ns, gracePeriodSeconds: 0 });
        await cluster.removeNodes([gpuNode]);
    });

    it('gives pods on real-0 the API server through the kubernetes Service, and cluster DNS, as any cluster does', async () => {
        await core.createNamespacedPod({ namespace: ns, body: podOnRealNode(cluster, 'in-cluster', image) });
        const pod = await readyPod('in-cluster');
        const at = (p: string): string => `http://${pod.status!.podIP}:8080${p}`;
        // TLS checked against the ServiceAccount's CA: the serving certificate names 10.0.0.1
        const version = await request(at('/apiserver?path=/version'));
        assert.equal(version.status, 200, version.text);
        assert.match(JSON.parse(version.text).gitVersion, /^v1\.35\./);
        // authenticated as the pod's ServiceAccount, which may not list pods
        const pods = await request(at(`/apiserver?path=/api/v1/namespaces/${ns}/pods`));
        assert.equal(pods.status, 403, pods.text);
        assert.match(pods.text, new RegExp(`system:serviceaccount:${ns}:default`));
        for (const name of ['kubernetes.default.svc.cluster.local', 'kubernetes.default']) {
            const dns = await request(at(`/dns?name=${name}`));
            assert.equal(dns.status, 200, dns.text);
            assert.equal(dns.text.trim(), '10.0.0.1', name);
        }
        assert.equal((await request(at('/dns?name=no-such-service.default.svc.cluster.local'))).status, 502);
        await deletePod('in-cluster');
    });

    it('enforces NetworkPolicies between pods on real-0', async () => {
        assert.ok(cluster.enforcesNetworkPolicy);
        await core.createNamespacedPod({ namespace: ns, body: podOnRealNode(cluster, 'np-client', image) });
        await core.createNamespacedPod({ namespace: ns, body: podOnRealNode(cluster, 'np-server', image) });
        const client = await readyPod('np-client');
        const server = await readyPod('np-server');
        const reach = async (): Promise<boolean> => {
            const url = `http://${client.status!.podIP}:8080/fetch?url=${encodeURIComponent(`http://${server.status!.podIP}:8080/`)}`;
            return (await request(url)).status === 200;
        };
        assert.equal(await reach(), true, 'pod to pod works without a policy');
        const net = cluster.kubeConfig.makeApiClient(NetworkingV1Api);
        await net.createNamespacedNetworkPolicy({
            namespace: ns, body: { metadata: { name: 'deny-all' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }
        });
        await eventually('default-deny to block pod to pod', async () => (await reach()) ? undefined : true);
        await net.createNamespacedNetworkPolicy({
            namespace: ns,
            body: {
                metadata: { name: 'client-to-server' },
                spec: {
                    podSelector: { matchLabels: { app: 'np-server' } }, policyTypes: ['Ingress'],
                    ingress: [{ _from: [{ podSelector: { matchLabels: { app: 'np-client' } } }], ports: [{ port: 8080 }] }]
                }
            }
        });
        await eventually('the allow policy to let the client in', async () => (await reach()) || undefined);
        await net.deleteNamespacedNetworkPolicy({ name: 'deny-all', namespace: ns });
        await net.deleteNamespacedNetworkPolicy({ name: 'client-to-server', namespace: ns });
        await deletePod('np-client');
        await deletePod('np-server');
    });

    it('restarts the apiserver: watches break, and the API, kwok and the real node come back', async () => {
        let watchEnded = false;
        const abort = await new Watch(cluster.kubeConfig).watch(`/api/v1/namespaces/${ns}/configmaps`, {}, () => undefined, () => {
            watchEnded = true;
        });
        await cluster.restartApiserver();
        await eventually('the watch to end', async () => watchEnded || undefined, 30_000);
        abort.abort();
        const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-restart' }, data: { a: '1' } } });
        assert.equal(cm.metadata?.name, 'after-restart');
        const [cpu] = await cluster.addCpuNodes(1, 'after-restart');
        assert.ok(cpu);
        await eventually('real-0 Ready after the restart', async () => {
            const n = await core.readNode({ name: 'real-0' });
            return n.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ? true : undefined;
        });
        await cluster.removeNodes([cpu]);
    });

    it('leaves no process, mount, bridge, iptables rule or host path behind after stop()', async t => {
        await cluster.stop();
        const hostAfter = hostSnapshot();
        assert.equal(hostAfter.processes, '', 'no process of the cluster or the node');
        assert.equal(hostAfter.mounts, '', 'nothing mounted under the cache');
        assert.equal(hostAfter.bridge, '', 'the bridge is gone');
        if (hostBefore.processes === '') {
            assert.deepEqual(hostAfter, hostBefore);
        } else {
            t.diagnostic('the cluster was running before this file started: its host state before is not the one to compare with');
        }
        assert.equal(fs.existsSync(testClusterPaths().clusterDir), false);
    });
});
