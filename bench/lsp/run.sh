#!/usr/bin/env bash
# LSP latency benchmark: hover, definition and completion, straight to gopls and through the IDE in Chromium.
# JSON result on stdout, progress on stderr. Warren's browser-app must already be built (npm run build), and the
# pinned gopls installed (scripts/start.sh or npm test installs it). BENCH_SAMPLES (default 30), BENCH_WARMUP (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f browser-app/lib/backend/main.js ]; then
    echo '[bench:lsp] the IDE is not built: run "npm run build" first' >&2
    exit 1
fi

echo '[bench:lsp] compiling' >&2
npx --no-install tsc -b >&2

exec node bench/lib/lsp/lsp-bench.js
