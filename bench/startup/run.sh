#!/usr/bin/env bash
# Startup benchmark: Warren against a plain Theia app. JSON result on stdout, progress on stderr.
# The plain app is rebuilt on every run so the baseline always matches the installed @theia packages.
# Warren's own app must already be built (npm run build). BENCH_ITERATIONS (default 5), BENCH_WARMUP (default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."

echo '[bench:startup] building the plain Theia app (baseline)' >&2
(cd bench/startup/plain-app && npx --no-install theia build --mode production) >&2

echo '[bench:startup] compiling' >&2
npx --no-install tsc -b >&2

exec node bench/lib/startup/startup-bench.js
