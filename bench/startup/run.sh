#!/usr/bin/env bash
# Startup benchmark: Warren against a plain Theia app. JSON result on stdout, progress on stderr.
# The plain app is rebuilt on every run so the baseline always matches the installed @theia packages.
# Warren's own app must already be built (npm run build). BENCH_ITERATIONS (default 5), BENCH_WARMUP (default 1).
source "$(dirname "$0")/../support/run-bench.sh" startup
bench_log 'building the plain Theia app (baseline)'
(cd bench/startup/plain-app && npx --no-install theia build --mode production) >&2

compile_and_run
