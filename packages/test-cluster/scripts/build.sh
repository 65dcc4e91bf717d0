#!/usr/bin/env bash
# Builds the test cluster's binaries from Go modules through the module proxy, into a cache keyed by version:
#   k8s-$KV/bin:   kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy etcd pause
#   kwok-$KWOKV/bin: kwok kwokctl        helm-$HELMV/bin: helm        kube-router-$KUBE_ROUTERV/bin: kube-router
#   coredns-$COREDNSV/bin: coredns
# A component whose binaries are all there is skipped, so a warm run takes well under a second.
# A cold run takes 7-15 minutes on 2 cores; each step says what it builds and how long it took.
# Env: WARREN_K8S_CACHE (default ~/.cache/warren/k8s), JOBS (go build -p, default 2).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
. "$HERE/versions.sh"

JOBS=${JOBS:-2}
export GOMODCACHE=$CACHE/gomod GOCACHE=$CACHE/gocache GOPATH=$CACHE/gopath
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-buildvcs=false"
GO=${WARREN_GO:-go}
mkdir -p "$CACHE"
exec 9>"$CACHE/.build.lock"; flock 9          # one build at a time per cache

log() { printf '[test-cluster build %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
timed() { local s=$SECONDS; "$@"; log "$1 done in $(( SECONDS - s )) s"; }
has_all() { local d=$1 b; shift; for b in "$@"; do [ -x "$d/$b" ] || return 1; done; }

# Kubernetes and etcd come from one wrapper module that requires k8s.io/kubernetes and re-pins
# every staging module to its published tag (k8s.io/kubernetes maps them to ./staging otherwise).
build_kubernetes() {
  local bin=$K8S_BIN src=$CACHE/k8s-$KV/src
  if has_all "$bin" kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy etcd pause; then
    log "kubernetes $KV: cached"; return
  fi
  log "kubernetes $KV: building kube-apiserver, controller-manager, scheduler, kubectl, kubelet, kube-proxy, etcd (the longest step)"
  rm -rf "$bin.partial" "$src"; mkdir -p "$bin.partial" "$src/cmd/etcd" "$src/cmd/pause"
  cd "$src"
  "$GO" mod download k8s.io/kubernetes@"$KV"
  local kmod=$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KV.mod staging=v0.${KV#v1.}
  "$GO" mod init warren.dev/test-cluster >/dev/null 2>&1
  "$GO" mod edit -go="$(awk '$1=="go"{print $2; exit}' "$kmod")" -require=k8s.io/kubernetes@"$KV"
  grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging/src/' "$kmod" | awk '{print $1}' | sort -u |
    while read -r m; do "$GO" mod edit -replace="$m=$m@$staging"; done
  cp "$HERE/go/tools.go" tools.go
  cp "$HERE/go/etcd.go" cmd/etcd/main.go
  cp "$HERE/go/pause.go" cmd/pause/main.go
  log "  resolving modules (go mod tidy)"
  nice -n 19 "$GO" mod tidy
  # kwokctl reads each component's --version to choose its flags: stamp the real version in
  local ldf="-s -w" p minor; minor=$(echo "$KV" | cut -d. -f2)
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=$KV -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ldf="$ldf -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  log "  compiling (go build -p $JOBS; progress: one line per finished binary is not available, the build prints nothing for minutes)"
  nice -n 19 "$GO" build -p "$JOBS" -trimpath -ldflags "$ldf" -o "$bin.partial/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy ./cmd/etcd ./cmd/pause
  rm -rf "$bin"; mv "$bin.partial" "$bin"      # the folder appears only when complete
  log "  $("$bin/kube-apiserver" --version), $("$bin/etcd" --version | sed -n 1p)"
}

build_kwok() {
  if has_all "$KWOK_BIN" kwok kwokctl; then log "kwok $KWOKV: cached"; return; fi
  log "kwok $KWOKV: building kwok and kwokctl"
  rm -rf "$KWOK_BIN.partial"; mkdir -p "$KWOK_BIN.partial"
  GOBIN=$KWOK_BIN.partial nice -n 19 "$GO" install -p "$JOBS" -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOKV#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$KV" \
    sigs.k8s.io/kwok/cmd/kwok@"$KWOKV" sigs.k8s.io/kwok/cmd/kwokctl@"$KWOKV"
  rm -rf "$KWOK_BIN"; mv "$KWOK_BIN.partial" "$KWOK_BIN"
}

build_helm() {
  if has_all "$HELM_BIN" helm; then log "helm $HELMV: cached"; return; fi
  log "helm $HELMV: building helm"
  rm -rf "$HELM_BIN.partial"; mkdir -p "$HELM_BIN.partial"
  "$GO" mod download helm.sh/helm/v3@"$HELMV"
  local hmod=$GOMODCACHE/cache/download/helm.sh/helm/v3/@v/$HELMV.mod H=helm.sh/helm/v3 minor
  minor=$(awk '$1=="k8s.io/client-go"{print $2; exit}' "$hmod" | cut -d. -f2)
  # helm's Makefile flags: without the k8sVersion ones, `helm template` assumes Kubernetes v1.20
  GOBIN=$HELM_BIN.partial nice -n 19 "$GO" install -p "$JOBS" -trimpath -ldflags "-s -w \
    -X $H/internal/version.version=$HELMV -X $H/internal/version.gitTreeState=clean \
    -X $H/pkg/lint/rules.k8sVersionMajor=1 -X $H/pkg/lint/rules.k8sVersionMinor=$minor \
    -X $H/pkg/chartutil.k8sVersionMajor=1 -X $H/pkg/chartutil.k8sVersionMinor=$minor" \
    "$H/cmd/helm@$HELMV"
  rm -rf "$HELM_BIN"; mv "$HELM_BIN.partial" "$HELM_BIN"
}

# NetworkPolicy enforcement for the real node (real-node.sh, WARREN_NETWORK_POLICY=1): kube-router's firewall.
# Its own module graph (client-go v0.29); v2.1.0 is the release the module proxy serves. For tests only.
build_kube_router() {
  if has_all "$KUBE_ROUTER_BIN" kube-router; then log "kube-router $KUBE_ROUTERV: cached"; return; fi
  log "kube-router $KUBE_ROUTERV: building kube-router"
  rm -rf "$KUBE_ROUTER_BIN.partial"; mkdir -p "$KUBE_ROUTER_BIN.partial"
  GOBIN=$KUBE_ROUTER_BIN.partial nice -n 19 "$GO" install -p "$JOBS" -trimpath -ldflags "-s -w" \
    "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTERV"
  rm -rf "$KUBE_ROUTER_BIN"; mv "$KUBE_ROUTER_BIN.partial" "$KUBE_ROUTER_BIN"
}

# Cluster DNS for the real node (real-node.sh): CoreDNS from its own wrapper module with five plugins (go/coredns).
build_coredns() {
  if has_all "$COREDNS_BIN" coredns; then log "coredns $COREDNSV: cached"; return; fi
  log "coredns $COREDNSV: building coredns (bind, errors, kubernetes, cache, forward)"
  local src=$CACHE/coredns-$COREDNSV/src
  rm -rf "$COREDNS_BIN.partial" "$src"; mkdir -p "$COREDNS_BIN.partial" "$src"
  cd "$src"
  cp "$HERE/go/coredns/main.go" main.go
  "$GO" mod init warren.dev/test-cluster/coredns >/dev/null 2>&1
  "$GO" mod edit -require=github.com/coredns/coredns@"$COREDNSV"
  nice -n 19 "$GO" mod tidy
  nice -n 19 "$GO" build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$COREDNS_BIN.partial/coredns" .
  rm -rf "$COREDNS_BIN"; mv "$COREDNS_BIN.partial" "$COREDNS_BIN"
}

T0=$SECONDS
timed build_kubernetes
timed build_kwok
timed build_helm
timed build_kube_router
timed build_coredns
if [ $(( SECONDS - T0 )) -gt 2 ]; then log "all built in $(( SECONDS - T0 )) s; cache: $(du -sh "$CACHE" | cut -f1)"; fi
