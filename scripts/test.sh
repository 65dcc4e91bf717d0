#!/usr/bin/env bash
# Runs every check: lint, unit and integration tests, and the end-to-end tests in a real chromium.
# Installs and builds what is missing first, like start.sh.
#   scripts/test.sh [--skip-e2e] [--skip-cluster]
# --skip-cluster: do not build the Kubernetes test cluster; its tests are then skipped.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

E2E=1
CLUSTER=1
for arg in "$@"; do
  case "$arg" in
    --skip-e2e) E2E=0 ;;
    --skip-cluster) CLUSTER=0 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg (try --help)" ;;
  esac
done

STEPS=9
step "checking Node.js and Go"
check_node
check_go
step "system packages"
ensure_system_packages
ensure_sshd
step "chromium for the end-to-end tests"
if [ "$E2E" = 1 ]; then ensure_chromium; else info "skipped (--skip-e2e)"; fi
step "npm packages"
ensure_npm_packages
step "build"
ensure_build
step "Go tools (gopls, dlv)"
ensure_go_tools
step "lint (eslint, hadolint)"
(cd "$ROOT" && npx --no-install eslint --max-warnings 0 .) || die "lint failed; see the messages above."
HADOLINT=$(ensure_hadolint)
(cd "$ROOT" && "$HADOLINT" --config .hadolint.yaml Dockerfile) || die "hadolint found problems in the Dockerfile; see the messages above."
info "lint clean ($("$HADOLINT" --version | head -1) on the Dockerfile)"

step "Kubernetes test cluster (packages/test-cluster)"
if [ "$CLUSTER" = 1 ]; then ensure_test_cluster; else export WARREN_SKIP_TEST_CLUSTER=1; info "skipped (--skip-cluster): its tests are skipped too"; fi

step "tests"
cd "$ROOT"
mapfile -t specs < <(find packages/*/lib plugins/*/lib test/lib -name '*.spec.js' -o -name '*.slow-spec.js' 2>/dev/null | sort)
if [ "$E2E" = 1 ]; then
  mapfile -t -O "${#specs[@]}" specs < <(find test/lib -name '*.e2e-spec.js' | sort)
fi
[ ${#specs[@]} -gt 0 ] || die "no test files found under */lib: did the build run?"
info "${#specs[@]} test files"
# One file at a time: the end-to-end tests start an IDE and a browser and need both cores.
exec node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${specs[@]}"
