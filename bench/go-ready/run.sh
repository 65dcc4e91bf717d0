#!/usr/bin/env bash
# Go-ready benchmark, in one run: new workspaces of a module with dependencies (test/fixtures/deps) through
# `warren serve` in chromium, with the tenant's shared Go build cache warmed by another workspace, and again with
# --no-shared-go-cache. JSON on stdout, progress on stderr. Needs the built IDE (scripts/build.sh) and the Go tools
# (scripts/start.sh or `node packages/go-toolchain/lib/cli.js install`: it builds warren-gocacheprog).
source "$(dirname "$0")/../support/run-bench.sh" go-ready
require_ide_built
compile_and_run
