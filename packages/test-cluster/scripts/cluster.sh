#!/usr/bin/env bash
# The test cluster's control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake
# nodes), run as local processes by `kwokctl --runtime binary` from the binaries build.sh put in the cache.
# Nothing is downloaded: the kwokctl config names every binary.
#
#   cluster.sh up     [NAME]   create and start (or reuse a running one), wait until usable, print the kubeconfig path
#   cluster.sh down   [NAME]   stop and delete; signals only this cluster's own processes, by PID
#   cluster.sh status [NAME]   processes and /readyz
#   cluster.sh restart-apiserver [NAME]   SIGKILL the apiserver and start it again, wait for /readyz
#
# NAME defaults to warren-test. Env: WARREN_K8S_CACHE (see versions.sh), WARREN_K8S_WAIT (seconds, default 120).
# kwok manages only nodes annotated kwok.x-k8s.io/node=fake (so a real kubelet can join), and the apiserver has a
# client certificate for kubelets and dials them by InternalIP (real-node.sh needs both).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
. "$HERE/versions.sh"

CMD=${1:-}
NAME=${2:-warren-test}
WAIT=${WARREN_K8S_WAIT:-120}
[[ $NAME =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "cluster.sh: bad cluster name '$NAME'" >&2; exit 2; }

export KWOK_WORKDIR=$CACHE/kwok-workdir
CDIR=$KWOK_WORKDIR/clusters/$NAME
KCFG=$CDIR/kubeconfig.yaml            # self-contained: CA, client certificate and key inlined; mode 0600
# The apiserver's port: fixed by the name, and below the NodePort range (30000-32767), which NetworkPolicy engines
# open to pods on the node's own addresses (kube-router does): there, every pod would reach the apiserver.
API_PORT=$(( 20000 + $(printf '%s' "$NAME" | cksum | cut -d' ' -f1) % 8000 ))
CONF=$KWOK_WORKDIR/kwokctl-$NAME.yaml
# kwokctl runs the first `kubectl` on PATH and would download one if there were none: ours comes first.
export PATH="$K8S_BIN:$KWOK_BIN:$PATH"
export KWOK_KUBECTL_BINARY=$K8S_BIN/kubectl
unset KUBECONFIG

log() { printf '[test-cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
kctl() { "$K8S_BIN/kubectl" --kubeconfig "$KCFG" "$@"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# a live process (not a zombie) whose command line starts with this cluster's bin dir: one of ours.
# PID files can outlive the processes (reboot, machine hand-over): a PID that is not ours is never signalled.
ours() {
  [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null || return 1
  local c; c=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $c == "$CDIR/bin/"* ]]
}
# kwokctl writes PIDs without a trailing newline: read the files one by one
pid_in() { local f=$CDIR/pids/$1.pid; [ -f "$f" ] && tr -d ' \n' < "$f"; }
components() { local f; for f in "$CDIR"/pids/*.pid; do [ -f "$f" ] && basename "$f" .pid; done; return 0; }
alive() { local c p; for c in $(components); do p=$(pid_in "$c") && ours "$p" && return 0; done; return 1; }
ready() { [ -f "$KCFG" ] && [ "$(kctl get --raw /readyz 2>/dev/null)" = ok ]; }

need_binaries() {
  local b
  for b in "$K8S_BIN"/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl,etcd} "$KWOK_BIN"/{kwok,kwokctl}; do
    [ -x "$b" ] || die "missing $b: run $(basename "$HERE")/build.sh first"
  done
}

write_config() {
  mkdir -p "$KWOK_WORKDIR"
  # Local binary paths: kwokctl links them instead of downloading. bindAddress keeps every port on loopback but
  # the apiserver's. componentsPatches append flags after kwokctl's own (the last one wins):
  #  - kwokctl's binary runtime starts kwok with --manage-all-nodes=true, which would fake the real node as well;
  #  - the kubelet refuses anonymous requests (logs, exec) and its node name does not resolve;
  #  - pods reach the apiserver as in any cluster, through the `kubernetes` Service (10.0.0.1:443, kube-proxy on the
  #    real node): its endpoint is the pods' gateway, so the apiserver listens on every address (TLS, no anonymous
  #    access to anything but health and version) and its certificate names the Service.
  cat > "$CONF.tmp" <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: $KV
  kubeApiserverBinary: $K8S_BIN/kube-apiserver
  kubeControllerManagerBinary: $K8S_BIN/kube-controller-manager
  kubeSchedulerBinary: $K8S_BIN/kube-scheduler
  kubectlBinary: $K8S_BIN/kubectl
  etcdBinary: $K8S_BIN/etcd
  kwokControllerBinary: $KWOK_BIN/kwok
  kubeApiserverPort: $API_PORT
  kubeApiserverCertSANs: [10.0.0.1, $POD_GATEWAY, kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local]
componentsPatches:
- name: kwok-controller
  extraArgs:
  - { key: manage-all-nodes, value: "false" }
  - { key: manage-nodes-with-annotation-selector, value: kwok.x-k8s.io/node=fake }
- name: kube-apiserver
  extraArgs:
  - { key: kubelet-client-certificate, value: $CDIR/pki/admin.crt }
  - { key: kubelet-client-key, value: $CDIR/pki/admin.key }
  - { key: kubelet-preferred-address-types, value: "InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP" }
  - { key: bind-address, value: 0.0.0.0 }
  - { key: advertise-address, value: $POD_GATEWAY }
YAML
  mv "$CONF.tmp" "$CONF"
}

down() {
  [ -d "$CDIR" ] || { log "cluster $NAME: not present"; return 0; }
  local c p ps=""
  for c in $(components); do
    # kwokctl delete SIGKILLs whatever PID a file names: drop the files whose PID is not ours
    if p=$(pid_in "$c") && ours "$p"; then ps="$ps $p"; else rm -f "$CDIR/pids/$c.pid"; fi
  done
  [ -f "$CONF" ] || write_config
  # (delete refuses --kubeconfig "": the scratch file only receives the context removal)
  "$KWOK_BIN/kwokctl" --config "$CONF" --name "$NAME" delete cluster --kubeconfig "$KWOK_WORKDIR/scratch-kubeconfig-$NAME.yaml" \
    > "$KWOK_WORKDIR/delete-$NAME.log" 2>&1 || { log "kwokctl delete cluster failed:"; cat "$KWOK_WORKDIR/delete-$NAME.log" >&2; }
  # and any process still running from this cluster's bin dir (its PID file lost), by PID
  local d; for d in /proc/[0-9]*; do ours "${d#/proc/}" && ps="$ps ${d#/proc/}"; done
  local i left
  for i in $(seq 1 50); do
    left=""; for p in $ps; do ours "$p" && left="$left $p"; done
    [ -z "$left" ] && break
    # shellcheck disable=SC2086
    if [ "$i" = 5 ]; then kill -9 $left 2>/dev/null || true; fi
    sleep 0.1
  done
  [ -z "$left" ] || die "processes of cluster $NAME still running:$left"
  rm -rf "$CDIR" "$CONF" "$KWOK_WORKDIR/scratch-kubeconfig-$NAME.yaml"
  log "cluster $NAME: deleted"
}

wait_usable() {  # apiserver ready + KCM running (it makes the default ServiceAccount) + scheduler holds its lease
  local deadline=$(( $(date +%s) + WAIT ))
  until ready && kctl -n default get serviceaccount default >/dev/null 2>&1 \
        && kctl -n kube-system get lease kube-scheduler >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ] || ! alive; then
      tail -n 20 "$CDIR"/logs/*.log >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

up() {
  need_binaries
  local before=""; [ -f "$CONF" ] && before=$(cat "$CONF")
  write_config
  if [ -d "$CDIR" ]; then
    if [ "$before" != "$(cat "$CONF")" ]; then log "cluster $NAME: made by another version of cluster.sh, recreating"; down; write_config
    elif alive && ready; then log "cluster $NAME: already running"; echo "$KCFG"; return 0
    else log "cluster $NAME: stale state, recreating"; down; write_config; fi
  fi
  [ -z "$(ss -Htln "sport = :$API_PORT")" ] || die "port $API_PORT, the apiserver's of cluster $NAME, is taken by another program"
  local t0; t0=$(date +%s%N)
  # --kubeconfig "": leave ~/.kube/config alone. --wait only logs on timeout, so wait_usable checks.
  if ! "$KWOK_BIN/kwokctl" --config "$CONF" --name "$NAME" create cluster --runtime binary --kubeconfig "" --wait "${WAIT}s" \
        > "$KWOK_WORKDIR/create-$NAME.log" 2>&1; then
    cat "$KWOK_WORKDIR/create-$NAME.log" >&2; down; die "kwokctl create cluster failed"
  fi
  (umask 077; "$KWOK_BIN/kwokctl" --config "$CONF" --name "$NAME" get kubeconfig > "$KCFG.tmp") && chmod 600 "$KCFG.tmp" && mv "$KCFG.tmp" "$KCFG"
  if ! wait_usable; then
    rm -rf "$KWOK_WORKDIR/failed-$NAME"; cp -r "$CDIR/logs" "$KWOK_WORKDIR/failed-$NAME" 2>/dev/null || true
    down; die "cluster $NAME not usable (${WAIT}s timeout or a component exited); logs kept in $KWOK_WORKDIR/failed-$NAME"
  fi
  grep -q -- '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake' "$CDIR/kwok.yaml" \
    || { down; die "kwokctl ignored the componentsPatches (kwok would fake every node)"; }
  log "cluster $NAME: ready in $(ms "$t0") ms"
  echo "$KCFG"
}

restart_apiserver() {
  local p t0; t0=$(date +%s%N)
  p=$(pid_in kube-apiserver) && ours "$p" || die "no apiserver of cluster $NAME is running"
  # SIGKILL: after SIGTERM it keeps running for seconds, and a second one would start beside it
  kill -9 "$p"
  for _ in $(seq 1 100); do ours "$p" || break; sleep 0.05; done
  rm -f "$CDIR/pids/kube-apiserver.pid"
  # start cluster starts every component that is not running, with the args saved at create
  "$KWOK_BIN/kwokctl" --config "$CONF" --name "$NAME" start cluster > "$KWOK_WORKDIR/start-$NAME.log" 2>&1 \
    || { cat "$KWOK_WORKDIR/start-$NAME.log" >&2; die "kwokctl start cluster failed"; }
  wait_usable || die "apiserver of cluster $NAME not ready after the restart"
  log "cluster $NAME: apiserver restarted in $(ms "$t0") ms"
}

status() {
  [ -d "$CDIR" ] || { echo "cluster $NAME: not present"; return 1; }
  local c p
  for c in $(components); do
    if p=$(pid_in "$c") && ours "$p"; then echo "$c pid=$p rss=$(( $(awk '/VmRSS/{print $2}' "/proc/$p/status") / 1024 ))MiB"
    else echo "$c DEAD"; fi
  done
  if ready; then echo "readyz: ok (kubeconfig $KCFG)"; else echo "readyz: NOT ready"; return 1; fi
}

case "$CMD" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart-apiserver) restart_apiserver ;;
  *) echo "usage: $0 up|down|status|restart-apiserver [NAME]" >&2; exit 2 ;;
esac
