#!/usr/bin/env bash
# One REAL node, real-0, for a cluster.sh cluster: a kubelet on containerd (Debian's 1.6, on its own config, socket,
# root and state), runc, a CNI bridge, kube-proxy (iptables) so that ClusterIPs work, and CoreDNS for cluster DNS. Pods run real processes
# from images imported from buildah/podman storage (no registry: imagePullPolicy Never or IfNotPresent).
#
#   real-node.sh up     [NAME]        start containerd, CoreDNS, kubelet, kube-proxy; wait until the node is Ready
#   real-node.sh down   [NAME]        delete the node's pods and the Node, stop everything by PID, unmount, and undo
#                                     what it changed on the host (bridge, host paths, cgroups, iptables/nft, ip_forward)
#   real-node.sh import IMAGE... [NAME]   podman save | ctr import into containerd's k8s.io namespace, skipped when
#                                     the image ID did not change (IMAGE: a full reference such as localhost/x:1)
#   real-node.sh status [NAME]
#
# NAME is the cluster's (default warren-test). Needs root and the Debian packages containerd, runc,
# containernetworking-plugins, buildah, podman, iptables, conntrack, nftables (to tidy iptables-nft's tables).
# Only one real node per machine: the kubelet's
# device-plugin socket and a few other host paths are hard-coded.
# Pods reach the host at the bridge's address, 10.244.0.1, also their DNS server; the host reaches pods at their pod
# IPs (10.244.0.0/24). Pods reach the apiserver through the `kubernetes` Service, as in any cluster (cluster.sh).
# Env: WARREN_K8S_CACHE (versions.sh), WARREN_K8S_WAIT (seconds, default 90).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
. "$HERE/versions.sh"

CMD=${1:-}; [ $# -gt 0 ] && shift
IMAGES=()
if [ "$CMD" = import ]; then
  NAME=warren-test
  for a in "$@"; do
    if [[ $a == *[:/]* ]]; then IMAGES+=("$a"); else NAME=$a; fi
  done
else
  NAME=${1:-warren-test}
fi
[[ $NAME =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "real-node.sh: bad cluster name '$NAME'" >&2; exit 2; }

WAIT=${WARREN_K8S_WAIT:-90}
export KWOK_WORKDIR=$CACHE/kwok-workdir
CDIR=$KWOK_WORKDIR/clusters/$NAME
KCFG=$CDIR/kubeconfig.yaml
CONF=$KWOK_WORKDIR/kwokctl-$NAME.yaml
export PATH="$K8S_BIN:$KWOK_BIN:$PATH"
unset KUBECONFIG

RN=$CACHE/real-node/$NAME                  # everything of the node lives below here
NODE=real-0
SUBNET=$POD_SUBNET
GATEWAY=$POD_GATEWAY
BRIDGE=warren-tc0                          # podman's is cni-podman0 (10.88.0.0/16)
SOCK=$RN/containerd/containerd.sock
PAUSE_IMAGE=localhost/warren-test-pause:$KV
LABEL=warren.dev/test-node
CTR=(ctr --address "$SOCK" -n k8s.io)
# host paths kubelet 1.35 / containerd 1.6 write no matter what: down removes the ones that were not there before
HOST_PATHS=(/var/lib/kubelet /var/log/containers /var/lib/cni /var/log/pods)

log() { printf '[real-node %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
kctl() { "$K8S_BIN/kubectl" --kubeconfig "$KCFG" "$@"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
running() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
cmdline() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null || true; }
# the PID in pids/$1.pid, only while it is still the process we started (its command line contains $2)
pid_of() {
  local f=$RN/pids/$1.pid p; [ -f "$f" ] || return 1; p=$(tr -d ' \n' < "$f")
  running "$p" && [[ $(cmdline "$p") == *"$2"* ]] || return 1; echo "$p"
}
stop_pid() {  # SIGTERM, up to 10 s, then SIGKILL
  local p=$1 i; kill "$p" 2>/dev/null || true
  for i in $(seq 1 100); do running "$p" || return 0; sleep 0.1; done
  log "$2 ($p) ignored SIGTERM for 10 s: SIGKILL"; kill -9 "$p" 2>/dev/null || true
  for i in $(seq 1 50); do running "$p" || return 0; sleep 0.1; done
}
free_port() { local p=$1; while [ -n "$(ss -Htln "sport = :$p")" ]; do p=$((p + 1)); done; echo "$p"; }
mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r; }
node_ip() {
  local ip; ip=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") {print $(i + 1); exit}}')
  [ -n "$ip" ] || ip=$(ip -4 -o addr show scope global | awk '$2 != "'"$BRIDGE"'" {sub("/.*", "", $4); print $4; exit}')
  echo "$ip"
}
ipt_snapshot() {  # the iptables rules and nft tables that can be ours, without counters: down leaves them as it found them
  local t; for t in iptables ip6tables; do "$t-save" 2>/dev/null | grep -E 'KUBE-|kube-router|10\.244\.|warren' || true; done | sed -E 's/\[[0-9]+:[0-9]+\]//'
  nft_tables | sort
}
nft_tables() { if command -v nft >/dev/null; then nft list tables 2>/dev/null || true; fi; }

# ---------- images ----------
pause_image() {
  podman image exists "$PAUSE_IMAGE" && return 0
  local d; d=$(mktemp -d)
  cp "$K8S_BIN/pause" "$d/pause"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' > "$d/Containerfile"
  buildah bud -q --runtime /usr/sbin/runc -t "$PAUSE_IMAGE" "$d" >/dev/null
  rm -rf "$d"; log "built $PAUSE_IMAGE"
}

import_images() {  # podman storage -> containerd's k8s.io namespace, only when the podman image ID changed
  local i id f t0
  mkdir -p "$RN/images"
  for i in "$@"; do
    id=$(podman image inspect --format '{{.Id}}' "$i" 2>/dev/null) || die "image $i is not in podman/buildah storage"
    f=$RN/images/$(echo "$i" | tr '/:@' '___')
    if [ "$(cat "$f.id" 2>/dev/null)" = "$id" ] && grep -qxF "$i" <<< "$("${CTR[@]}" images ls -q)"; then continue; fi
    t0=$(date +%s%N)
    podman save -q "$i" -o "$f.tar"
    "${CTR[@]}" images import "$f.tar" >/dev/null || { rm -f "$f.tar"; die "ctr import of $i failed"; }
    rm -f "$f.tar"; echo "$id" > "$f.id"
    log "imported $i in $(ms "$t0") ms"
  done
}

# ---------- containerd ----------
start_containerd() {
  pid_of containerd "$RN/containerd/config.toml" >/dev/null && return 0
  mkdir -p "$RN/containerd" "$RN/cni/net.d" "$RN/cni/ipam" "$RN/pids" "$RN/logs"
  cat > "$RN/containerd/config.toml" <<TOML
# containerd 1.6 for the test node; unset keys keep 'containerd config default' values
version = 2
root = "$RN/containerd/root"
state = "$RN/containerd/state"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$SOCK"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$RN/containerd/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_IMAGE"        # registry.k8s.io/pause cannot be pulled here
    restrict_oom_score_adj = true         # root here lacks CAP_SYS_RESOURCE: never ask for a lower oom_score_adj
    netns_mounts_under_state_dir = true   # pod netns mounts below state/, not /run/netns
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$RN/cni/net.d"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "/usr/sbin/runc"     # not crun: it does not support hybrid cgroups
          Root = "$RN/containerd/runc"
          SystemdCgroup = false
TOML
  # ipMasq false: the bridge plugin adds no iptables rules
  cat > "$RN/cni/net.d/10-warren-test.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "warren-test-$NAME",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$RN/cni/ipam", "ranges": [[{ "subnet": "$SUBNET", "gateway": "$GATEWAY" }]],
                "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  local t0; t0=$(date +%s%N)
  setsid /usr/bin/containerd --config "$RN/containerd/config.toml" >> "$RN/logs/containerd.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$RN/pids/containerd.pid"
  for _ in $(seq 1 100); do ctr --address "$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
  ctr --address "$SOCK" version >/dev/null 2>&1 || { tail -20 "$RN/logs/containerd.log" >&2; die "containerd did not start"; }
  log "containerd up in $(ms "$t0") ms"
}

# ---------- kubelet ----------
record_host_state() {  # what was there before: down removes only what we created
  [ -f "$RN/host-state" ] && return 0
  local p
  { for p in "${HOST_PATHS[@]}"; do if [ -e "$p" ]; then echo "existed $p"; fi; done
    for p in /sys/fs/cgroup/*/kubepods; do if [ -d "$p" ]; then echo "existed $p"; fi; done
    nft_tables | sed 's/^/nft /'
    echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
  } > "$RN/host-state.tmp"
  ipt_snapshot > "$RN/iptables-before"
  mv "$RN/host-state.tmp" "$RN/host-state"
}

start_kubelet() {
  pid_of kubelet "$RN/kubelet/config.yaml" >/dev/null && return 0
  local ip port; ip=$(node_ip); [ -n "$ip" ] || die "no IPv4 address for the node"
  port=$(free_port 10250)
  mkdir -p "$RN/kubelet/root" "$RN/kubelet/pki" "$RN/kubelet/pod-logs" "$RN/sysctl" "$RN/pv"
  # node identity: a client certificate CN=system:node:real-0, O=system:nodes from the cluster CA (Node authorizer)
  (umask 077; "$KWOK_BIN/kwokctl" --config "$CONF" --name "$NAME" get kubeconfig --user "system:node:$NODE" --group system:nodes \
    > "$RN/kubelet/kubeconfig")
  cat > "$RN/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs            # containerd 1.6 cannot report its driver; runc uses cgroupfs here
failCgroupV1: false               # the host is cgroup v1 (hybrid); kubelet >= 1.35 refuses it otherwise
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
address: $ip
port: $port
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $CDIR/pki/ca.crt }
authorization:
  mode: Webhook
podLogsDir: $RN/kubelet/pod-logs
registerWithTaints: [ { key: $LABEL, value: real, effect: NoSchedule } ]
makeIPTablesUtilChains: false
resolvConf: /etc/resolv.conf
clusterDNS: [$GATEWAY]
clusterDomain: cluster.local
maxPods: 50
serializeImagePulls: false
evictionHard: { memory.available: 100Mi, nodefs.available: 5%, imagefs.available: 5% }
imageGCHighThresholdPercent: 95
imageGCLowThresholdPercent: 90
containerLogMaxSize: 10Mi
containerLogMaxFiles: 2
nodeStatusUpdateFrequency: 2s
YAML
  # The kubelet sets vm.overcommit_memory=1, kernel.panic=10 and kernel.panic_on_oops=1 host-wide at start. It runs
  # in its own mount namespace, where those three files are bind mounts of files that already hold those values,
  # so it writes nothing to the host. Its root dir is a shared mount: the volume mounts it makes reach containerd.
  echo 1 > "$RN/sysctl/vm.overcommit_memory"; echo 10 > "$RN/sysctl/kernel.panic"; echo 1 > "$RN/sysctl/kernel.panic_on_oops"
  grep -qxF "$RN/kubelet/root" <<< "$(mounts_under "$RN/kubelet/root")" || mount --bind "$RN/kubelet/root" "$RN/kubelet/root"
  mount --make-rshared "$RN/kubelet/root"
  cat > "$RN/kubelet/run.sh" <<SH
#!/bin/sh
# runs inside 'unshare --mount --propagation unchanged'
set -e
for s in vm.overcommit_memory kernel.panic kernel.panic_on_oops; do
  mount --bind "$RN/sysctl/\$s" "/proc/sys/\$(echo \$s | tr . /)"
done
exec "$K8S_BIN/kubelet" --config="$RN/kubelet/config.yaml" --kubeconfig="$RN/kubelet/kubeconfig" \\
  --root-dir="$RN/kubelet/root" --cert-dir="$RN/kubelet/pki" --hostname-override="$NODE" --node-ip="$ip" \\
  --node-labels=$LABEL=real --v=2
SH
  chmod +x "$RN/kubelet/run.sh"
  local t0; t0=$(date +%s%N)
  setsid unshare --mount --propagation unchanged "$RN/kubelet/run.sh" >> "$RN/logs/kubelet.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$RN/pids/kubelet.pid"      # unshare and run.sh exec: this is the kubelet's PID
  local deadline=$(( $(date +%s) + WAIT )) st=""
  until [ "$st" = True ]; do
    st=$(kctl get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    pid_of kubelet "$RN/kubelet/config.yaml" >/dev/null || { tail -30 "$RN/logs/kubelet.log" >&2; die "the kubelet exited"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -30 "$RN/logs/kubelet.log" >&2; die "node $NODE not Ready after ${WAIT}s"; }
    [ "$st" = True ] || sleep 0.2
  done
  log "node $NODE Ready in $(ms "$t0") ms ($ip:$port)"
}

start_kube_proxy() {
  pid_of kube-proxy "$RN/kube-proxy/config.yaml" >/dev/null && return 0
  mkdir -p "$RN/kube-proxy"
  # the user system:kube-proxy is bound to the ClusterRole system:node-proxier by default
  (umask 077; "$KWOK_BIN/kwokctl" --config "$CONF" --name "$NAME" get kubeconfig --user system:kube-proxy --group warren:kube-proxy \
    > "$RN/kube-proxy/kubeconfig")
  cat > "$RN/kube-proxy/config.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $RN/kube-proxy/kubeconfig }
hostnameOverride: $NODE
mode: iptables
clusterCIDR: $SUBNET
healthzBindAddress: 127.0.0.1:$(free_port 10356)
metricsBindAddress: 127.0.0.1:$(free_port 10349)
nodePortAddresses: [$(node_ip)/32]
oomScoreAdj: 0                    # -999 needs CAP_SYS_RESOURCE
# 0: leave the host's conntrack sysctls alone
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s }
iptables: { localhostNodePorts: false }   # true would set net.ipv4.conf.all.route_localnet=1
YAML
  touch "$RN/kube-proxy/ran"
  setsid "$K8S_BIN/kube-proxy" --config="$RN/kube-proxy/config.yaml" --v=2 >> "$RN/logs/kube-proxy.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$RN/pids/kube-proxy.pid"
}

# The pods' gateway exists before the first pod (the CNI bridge plugin takes the bridge as it finds it), so that
# CoreDNS can listen on it.
ensure_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip -4 addr show dev "$BRIDGE" | grep -qF " $GATEWAY/" || ip addr add "$GATEWAY/${SUBNET#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# Cluster DNS, the kubelet's clusterDNS: CoreDNS on the pods' gateway, answering cluster.local from the API and
# sending the rest to the host's resolver.
start_coredns() {
  pid_of coredns "$RN/coredns/Corefile" >/dev/null && return 0
  [ -x "$COREDNS_BIN/coredns" ] || die "missing $COREDNS_BIN/coredns (build.sh builds it)"
  mkdir -p "$RN/coredns"
  cat > "$RN/coredns/Corefile" <<COREFILE
.:53 {
    bind $GATEWAY
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $KCFG
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
    forward . /etc/resolv.conf
}
COREFILE
  setsid "$COREDNS_BIN/coredns" -conf "$RN/coredns/Corefile" >> "$RN/logs/coredns.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$RN/pids/coredns.pid"
  for _ in $(seq 1 100); do [ -n "$(ss -Htln "src = $GATEWAY:53")" ] && return 0; sleep 0.1; done
  tail -20 "$RN/logs/coredns.log" >&2; die "CoreDNS is not listening on $GATEWAY:53"
}

# NetworkPolicy enforcement (WARREN_NETWORK_POLICY=1): kube-router's firewall only (no routing, no service proxy),
# built by build.sh. It programs iptables/ipset for the pods of this node; down removes it all (--cleanup-config).
start_kube_router() {
  [ "${WARREN_NETWORK_POLICY:-0}" = 1 ] || return 0
  pid_of kube-router "$KUBE_ROUTER_BIN/kube-router" >/dev/null && return 0
  [ -x "$KUBE_ROUTER_BIN/kube-router" ] || die "missing $KUBE_ROUTER_BIN/kube-router (build.sh builds it)"
  command -v ipset >/dev/null || die "kube-router needs ipset (apt-get install ipset)"
  touch "$RN/kube-router.ran"
  setsid "$KUBE_ROUTER_BIN/kube-router" --kubeconfig="$KCFG" --hostname-override="$NODE" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false --enable-ipv6=false \
    --health-port=0 --metrics-port=0 --service-cluster-ip-range=10.0.0.0/24 --v=2 \
    >> "$RN/logs/kube-router.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$RN/pids/kube-router.pid"
}

up() {
  [ "$(id -u)" = 0 ] || die "needs root (mounts, cgroups, network namespaces)"
  local b; for b in "$K8S_BIN/kubelet" "$K8S_BIN/kube-proxy" "$K8S_BIN/pause" /usr/bin/containerd /usr/bin/ctr /usr/sbin/runc \
                    /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback /usr/lib/cni/portmap /usr/bin/buildah /usr/bin/podman; do
    [ -x "$b" ] || die "missing $b"
  done
  [ -f "$KCFG" ] || die "cluster $NAME is not up (cluster.sh up $NAME)"
  grep -q -- '--kubelet-client-certificate=' "$CDIR/kwok.yaml" || die "cluster $NAME was not started by this cluster.sh"
  # the kubelet's device-plugin socket and a few host paths are hard-coded: one kubelet per machine. Another test
  # run's real node may hold it: wait for it to go (WARREN_K8S_NODE_WAIT seconds, default 420).
  # up and down hold a machine-wide lock, so a node seen without a kubelet is all the way down.
  local other said="" until_s=$(( $(date +%s) + ${WARREN_K8S_NODE_WAIT:-420} ))
  exec 8>"$CACHE/real-node.lock"; flock 8
  while other=$(other_kubelet); do
    flock -u 8
    [ -n "$said" ] || { log "another kubelet runs ($other): waiting for it to stop (one real node per machine)"; said=1; }
    [ "$(date +%s)" -lt "$until_s" ] || die "another kubelet still runs ($other): only one real node per machine"
    sleep 1; flock 8
  done
  if ! pid_of kubelet "$RN/kubelet/config.yaml" >/dev/null; then
    ip -4 route show | grep -q "^${SUBNET%/*}/" && ! ip link show "$BRIDGE" >/dev/null 2>&1 && die "$SUBNET is routed elsewhere already"
  fi
  local t0; t0=$(date +%s%N)
  mkdir -p "$RN/pids" "$RN/logs"
  record_host_state
  ensure_bridge
  pause_image
  start_containerd
  import_images "$PAUSE_IMAGE"
  start_coredns
  start_kubelet
  start_kube_proxy
  start_kube_router
  log "node $NODE up in $(ms "$t0") ms"
}

other_kubelet() {  # prints the PID and command line of a kubelet that is not ours
  local d p
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    if [ "$(basename "$(readlink "$d/exe" 2>/dev/null)")" = kubelet ] && running "$p" && [[ $(cmdline "$p") != *"$RN/kubelet/config.yaml"* ]]; then
      echo "pid $p: $(cmdline "$p" | cut -c1-120)"; return 0
    fi
  done
  return 1
}

# ---------- teardown ----------
down() {
  local t0; t0=$(date +%s%N)
  [ -d "$RN" ] || { log "real node of $NAME: not present"; return 0; }
  exec 8>"$CACHE/real-node.lock"; flock 8
  local p
  # 1. the kubelet tears the pods down itself (CNI DEL, netns, volume unmounts); then the Node goes
  if pid_of kubelet "$RN/kubelet/config.yaml" >/dev/null && [ -f "$KCFG" ] && kctl get --raw /readyz >/dev/null 2>&1; then
    kctl cordon "$NODE" >/dev/null 2>&1 || true   # else a Pending pod lands as soon as another is gone
    local deadline=$(( $(date +%s) + 60 ))
    while [ -n "$(kctl get pods -A --field-selector "spec.nodeName=$NODE" -o name 2>/dev/null)" ]; do
      kctl delete pods -A --field-selector "spec.nodeName=$NODE" --grace-period=2 --wait=false >/dev/null 2>&1 || true
      [ "$(date +%s)" -lt "$deadline" ] || { log "pods still on $NODE after 60 s: going on"; break; }
      sleep 0.5
    done
    for _ in $(seq 1 50); do [ -z "$("${CTR[@]}" tasks ls -q 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  if [ -f "$KCFG" ]; then kctl delete node "$NODE" --ignore-not-found --wait=false >/dev/null 2>&1 || true; fi
  # 2. kube-proxy, then its rules; the kubelet
  if p=$(pid_of kube-proxy "$RN/kube-proxy/config.yaml"); then stop_pid "$p" kube-proxy; fi
  if [ -f "$RN/kube-proxy/ran" ]; then
    "$K8S_BIN/kube-proxy" --cleanup > "$RN/logs/kube-proxy-cleanup.log" 2>&1 || log "kube-proxy --cleanup failed (logs/kube-proxy-cleanup.log)"
    local t; for t in iptables ip6tables; do   # --cleanup leaves an empty KUBE-FIREWALL chain, jumped to from INPUT/OUTPUT
      if "$t" -w -S KUBE-FIREWALL >/dev/null 2>&1 && [ "$("$t" -w -S KUBE-FIREWALL | wc -l)" = 1 ]; then
        "$t" -w -D INPUT -j KUBE-FIREWALL 2>/dev/null || true; "$t" -w -D OUTPUT -j KUBE-FIREWALL 2>/dev/null || true
        "$t" -w -X KUBE-FIREWALL 2>/dev/null || true
      fi
    done
    rm -f "$RN/kube-proxy/ran"
  fi
  if p=$(pid_of kube-router "$KUBE_ROUTER_BIN/kube-router"); then stop_pid "$p" kube-router; fi
  if [ -f "$RN/kube-router.ran" ]; then
    # --cleanup-config cleans its policy rules, then panics in the (unused) service proxy's cleanup without IPVS;
    # whatever it leaves of its chains and ipsets goes here
    "$KUBE_ROUTER_BIN/kube-router" --cleanup-config > "$RN/logs/kube-router-cleanup.log" 2>&1 || true
    local c rule ch
    for c in INPUT FORWARD OUTPUT; do
      while rule=$(iptables -w -S "$c" | grep -m1 -- '-j KUBE-ROUTER-'); do eval "iptables -w ${rule/#-A/-D}"; done
    done
    for ch in $(iptables -w -S | awk '$1 == "-N" && $2 ~ /^KUBE-(ROUTER-|POD-FW-|NWPLCY-)/ {print $2}'); do iptables -w -F "$ch"; done
    for ch in $(iptables -w -S | awk '$1 == "-N" && $2 ~ /^KUBE-(ROUTER-|POD-FW-|NWPLCY-)/ {print $2}'); do iptables -w -X "$ch"; done
    for ch in $(ipset list -n 2>/dev/null | grep -E '^(KUBE-(SRC|DST)-|kube-router-)'); do ipset destroy "$ch" 2>/dev/null || true; done
    rm -f "$RN/kube-router.ran"
  fi
  if p=$(pid_of kubelet "$RN/kubelet/config.yaml"); then stop_pid "$p" kubelet; fi
  if p=$(pid_of coredns "$RN/coredns/Corefile"); then stop_pid "$p" coredns; fi
  # 3. containerd: whatever containers the kubelet could not remove, then containerd and its shims
  if pid_of containerd "$RN/containerd/config.toml" >/dev/null; then
    local c ids; ids=$("${CTR[@]}" containers ls -q 2>/dev/null || true)
    for c in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
      "${CTR[@]}" tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true; sleep 0.2; "${CTR[@]}" tasks delete -f "$c" >/dev/null 2>&1 || true
    done
    for c in $ids; do
      "${CTR[@]}" containers rm "$c" >/dev/null 2>&1 || true
      rm -f /var/lib/cni/results/*-"$c"-* 2>/dev/null || true   # libcni's cache: no CNI DEL ran for these
    done
    stop_pid "$(pid_of containerd "$RN/containerd/config.toml")" containerd
  fi
  local d; for d in /proc/[0-9]*; do   # shims re-parent to PID 1; they name our socket on their command line
    p=${d#/proc/}; [[ $(cmdline "$p") == *containerd-shim*"-address $SOCK"* ]] && { log "leftover shim $p"; stop_pid "$p" shim; }
  done
  for p in $(runc --root "$RN/containerd/runc/k8s.io" list -q 2>/dev/null); do runc --root "$RN/containerd/runc/k8s.io" delete -f "$p" || true; done
  # 4. mounts below the node dir, deepest first (pod volumes, netns, shm, rootfs, the kubelet root's own bind mount)
  local m
  for _ in 1 2 3; do
    for m in $(mounts_under "$RN"); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    [ -z "$(mounts_under "$RN")" ] && break
  done
  [ -z "$(mounts_under "$RN")" ] || die "still mounted below $RN: $(mounts_under "$RN" | tr '\n' ' ')"
  # 5. network and host leftovers
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
  rm -f /var/lib/cni/results/"warren-test-$NAME"-* 2>/dev/null || true
  local hs=$RN/host-state h
  if [ -f "$hs" ]; then
    for h in "${HOST_PATHS[@]}"; do
      grep -qxF "existed $h" "$hs" && continue
      case $h in
        /var/log/containers) find "$h" -maxdepth 1 -type l -lname "$RN/*" -delete 2>/dev/null || true; rmdir "$h" 2>/dev/null || true ;;
        /var/lib/kubelet) rm -rf "$h/device-plugins/kubelet.sock" "$h/device-plugins/kubelet_internal_checkpoint" "$h/pki" "$h/plugins_registry" \
                            "$h/plugins" "$h/pod-resources"
                          rmdir "$h/device-plugins" "$h" 2>/dev/null || true ;;
        *) rmdir "$h/results" "$h" 2>/dev/null || true ;;
      esac
    done
    for h in /sys/fs/cgroup/*/kubepods; do   # the QoS cgroups, deepest first (only empty ones can go)
      if [ -d "$h" ] && ! grep -qxF "existed $h" "$hs"; then find "$h" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
    done
    nft_tables | while read -r _ fam tbl; do   # empty tables iptables-nft made for kube-proxy
      grep -qxF "nft table $fam $tbl" "$hs" && continue
      if [ -z "$(nft list table "$fam" "$tbl" 2>/dev/null | grep -vE '^\s*(table|chain|type|}|$)')" ]; then
        nft delete table "$fam" "$tbl" 2>/dev/null || true
      fi
    done
    local fwd; fwd=$(awk '$1 == "ip_forward" {print $2}' "$hs")
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ] || { log "restoring net.ipv4.ip_forward=$fwd"; echo "$fwd" > /proc/sys/net/ipv4/ip_forward; }
    if [ -f "$RN/iptables-before" ] && [ "$(ipt_snapshot)" != "$(cat "$RN/iptables-before")" ]; then
      log "WARNING: iptables/nft differ from before up (another program, or a leftover):"
      diff <(cat "$RN/iptables-before") <(ipt_snapshot) >&2 || true
    fi
    rm -f "$hs" "$RN/iptables-before"
  fi
  # 6. state (unmounted, checked above); containerd's image store and images/*.id stay for the next up
  rm -rf "$RN/kubelet" "$RN/kube-proxy" "$RN/coredns" "$RN/containerd/state" "$RN/containerd/runc" "$RN/cni" "$RN/pids" "$RN/pv" "$RN/sysctl"
  rm -f "$SOCK" "$SOCK.ttrpc"
  # 7. check
  local left=""
  for d in /proc/[0-9]*; do
    p=${d#/proc/}; running "$p" || continue
    [[ $(cmdline "$p") == *"$RN/"* ]] && left="$left $p"
  done
  [ -z "$left" ] || die "processes still running from $RN:$left"
  log "real node of $NAME: down in $(ms "$t0") ms"
}

status() {
  local c p
  for c in containerd:"$RN/containerd/config.toml" kubelet:"$RN/kubelet/config.yaml" kube-proxy:"$RN/kube-proxy/config.yaml" \
           coredns:"$RN/coredns/Corefile" kube-router:"$KUBE_ROUTER_BIN/kube-router"; do
    if p=$(pid_of "${c%%:*}" "${c#*:}"); then echo "${c%%:*} pid=$p rss=$(( $(awk '/VmRSS/{print $2}' "/proc/$p/status") / 1024 ))MiB"
    else echo "${c%%:*} not running"; fi
  done
  [ -f "$KCFG" ] && kctl get node "$NODE" -o wide 2>/dev/null
}

case "$CMD" in
  up) up ;;
  down) down ;;
  import)
    [ ${#IMAGES[@]} -gt 0 ] || die "usage: $0 import IMAGE... [NAME]"
    pid_of containerd "$RN/containerd/config.toml" >/dev/null || die "the real node of $NAME is not up"
    import_images "${IMAGES[@]}" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status [NAME] | import IMAGE... [NAME]" >&2; exit 2 ;;
esac
