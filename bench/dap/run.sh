#!/usr/bin/env bash
# DAP benchmark: start-to-breakpoint and step-over latency, straight to dlv and through the IDE in Chromium.
# JSON result on stdout, progress on stderr. Warren's browser-app must already be built (npm run build), and the
# pinned dlv installed (scripts/start.sh or npm test installs it). BENCH_SAMPLES (sessions, default 10), BENCH_STEPS
# (steps per session, default 3), BENCH_WARMUP (warm-up sessions, default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f browser-app/lib/backend/main.js ]; then
    echo '[bench:dap] the IDE is not built: run "npm run build" first' >&2
    exit 1
fi

echo '[bench:dap] compiling' >&2
npx --no-install tsc -b >&2

exec node bench/lib/dap/dap-bench.js
