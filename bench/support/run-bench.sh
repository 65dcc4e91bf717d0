# Sourced by each bench's run.sh with the bench's name (startup, lsp, dap) as argument: strict mode, the repository
# root as working directory, and the steps the benches share, with progress on stderr so that stdout carries nothing
# but the JSON.
set -euo pipefail
BENCH=$1
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bench_log() {
    echo "[bench:$BENCH] $*" >&2
}

# The lsp and dap benches drive Warren's own IDE, which they do not build (it takes minutes).
require_ide_built() {
    if [ ! -f browser-app/lib/backend/main.js ]; then
        bench_log 'the IDE is not built (browser-app/lib/backend/main.js is missing): run scripts/build.sh (npm run build) first'
        exit 1
    fi
}

# Compiles the benches (and what they reference) and replaces the shell with bench/lib/<name>/<name>-bench.js.
compile_and_run() {
    bench_log 'compiling'
    npx --no-install tsc -b >&2
    exec node "bench/lib/$BENCH/$BENCH-bench.js"
}
