#!/usr/bin/env bash
# Workspaces benchmark: the workspace manager's create → IDE listening, stop and resume, against startIde directly,
# and an idle workspace's memory; then BENCH_WORKSPACES created one after the other against as many at once, with the
# latency of stops issued during those starts. JSON result on stdout, progress on stderr. Warren's IDE must be built
# (scripts/build.sh). BENCH_WORKSPACES (default 10; 2 for a smoke run), BENCH_WARMUP (default 1, direct starts not
# reported), BENCH_VICTIMS (default 4) and BENCH_BURSTS (default 3): stop samples = victims x bursts,
# BENCH_RECONCILER_CONCURRENCY (default: the manager's).
source "$(dirname "$0")/../support/run-bench.sh" workspaces
require_ide_built
compile_and_run
