#!/usr/bin/env bash
# Workspaces benchmark: the workspace manager's create → IDE listening, stop and resume, against startIde directly,
# and an idle workspace's memory. JSON result on stdout, progress on stderr. Warren's IDE must be built (npm run build).
# BENCH_WORKSPACES (default 10), BENCH_WARMUP (default 1, direct starts not reported).
source "$(dirname "$0")/../support/run-bench.sh" workspaces
require_ide_built
compile_and_run
