#!/usr/bin/env bash
# DAP benchmark: start-to-breakpoint and step-over latency, straight to dlv and through the IDE in Chromium.
# JSON result on stdout, progress on stderr. Warren's browser-app must already be built (npm run build), and the
# pinned dlv installed (scripts/start.sh or npm test installs it). BENCH_SAMPLES (sessions, default 10), BENCH_STEPS
# (steps per session, default 3), BENCH_WARMUP (warm-up sessions, default 1).
source "$(dirname "$0")/../support/run-bench.sh" dap
require_ide_built
compile_and_run
