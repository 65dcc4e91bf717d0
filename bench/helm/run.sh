#!/usr/bin/env bash
# Helm benchmark, in one run against the project's test cluster (packages/test-cluster; built on first use):
#   install: helm install of helm/warren → a workspace Go-ready in chromium, against `warren serve --provider kubernetes`
#            on this machine → Go-ready in the same run;
#   idle:    the control plane pod's CPU and memory with 0 and BENCH_WORKSPACES (default 100) workspaces on kwok nodes,
#            each over BENCH_IDLE_SECONDS (default 60).
# JSON on stdout, progress on stderr. Needs root (the real node) and the built IDE (scripts/build.sh).
source "$(dirname "$0")/../support/run-bench.sh" helm
require_ide_built
compile_and_run
