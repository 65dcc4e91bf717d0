# shellcheck shell=bash
# The test cluster's pinned versions and cache folders, shared by build.sh, cluster.sh and image.sh.
# Changing a version rebuilds only that component (each has its own folder in the cache).
KV=v1.35.4          # k8s.io/kubernetes (etcd is the one it pins)
KWOKV=v0.8.0        # sigs.k8s.io/kwok: the release built against k8s.io/* >= 1.35
HELMV=v3.22.0       # helm.sh/helm/v3
KUBE_ROUTERV=v2.1.0 # github.com/cloudnativelabs/kube-router/v2: NetworkPolicy enforcement on the real node (firewall only)
COREDNSV=v1.15.0    # github.com/coredns/coredns: cluster DNS for the real node's pods
# The real node's pod subnet; its bridge's address (the pods' gateway) is the host for pods, where the apiserver
# is advertised (the `kubernetes` Service's endpoint) and CoreDNS listens.
POD_SUBNET=10.244.0.0/24
POD_GATEWAY=10.244.0.1
CACHE=${WARREN_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warren/k8s}
K8S_BIN=$CACHE/k8s-$KV/bin
KWOK_BIN=$CACHE/kwok-$KWOKV/bin
HELM_BIN=$CACHE/helm-$HELMV/bin
KUBE_ROUTER_BIN=$CACHE/kube-router-$KUBE_ROUTERV/bin
COREDNS_BIN=$CACHE/coredns-$COREDNSV/bin
