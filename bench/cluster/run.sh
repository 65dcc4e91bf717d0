#!/usr/bin/env bash
# Cluster benchmark, in one run against the project's test cluster (packages/test-cluster; built on first use):
#   starts:  create → pod Running and create → IDE listening for BENCH_WORKSPACES (default 10) workspaces one after the
#            other on the real node, against the local provider's create → IDE listening in the same run;
#   scale:   BENCH_SCALE_WORKSPACES (default 1000) workspaces created at once on BENCH_GPU_NODES (default 100) kwok GPU
#            nodes: p99 create → pod Running, GPUs overcommitted (must be 0), and the manager's CPU and memory.
# JSON on stdout, progress on stderr. Needs root (the real node) and the built IDE (scripts/build.sh).
source "$(dirname "$0")/../support/run-bench.sh" cluster
require_ide_built
compile_and_run
