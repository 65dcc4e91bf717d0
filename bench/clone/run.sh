#!/usr/bin/env bash
# Clone benchmark, in one run: a workspace created from a generated git repository of about BENCH_REPO_MB (default
# 50) MB through `warren serve` until its IDE listens, against a plain `git clone` of it from the same git server and
# a workspace of the template (no repository). JSON on stdout, progress on stderr. Needs the built IDE
# (scripts/build.sh) and root (the workspaces' sandboxes). BENCH_ITERATIONS (default 3), BENCH_WARMUP (default 1),
# BENCH_COMMITS (default 5).
source "$(dirname "$0")/../support/run-bench.sh" clone
require_ide_built
compile_and_run
