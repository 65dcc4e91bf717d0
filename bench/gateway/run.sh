#!/usr/bin/env bash
# Gateway benchmark: a WebSocket message's round trip and HTTP requests per second, through Warren's gateway and
# straight to the same backend (an echo server). JSON result on stdout, progress on stderr. Needs no IDE build.
# BENCH_ROUND_TRIPS (default 10000), BENCH_CONNECTIONS (default 50), BENCH_CONCURRENT_ROUND_TRIPS (default 25000),
# BENCH_BLOCKS (default 10), BENCH_HTTP_CONCURRENCY (default 20), BENCH_HTTP_SECONDS (default 2, per block).
source "$(dirname "$0")/../support/run-bench.sh" gateway
# Only the bench project and what it references (the gateway among them): nothing of the IDE is needed.
bench_log 'compiling'
npx --no-install tsc -b bench >&2
exec node bench/lib/gateway/gateway-bench.js
