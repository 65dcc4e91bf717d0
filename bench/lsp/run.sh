#!/usr/bin/env bash
# LSP latency benchmark: hover, definition and completion, straight to gopls and through the IDE in Chromium.
# JSON result on stdout, progress on stderr. Warren's browser-app must already be built (npm run build), and the
# pinned gopls installed (scripts/start.sh or npm test installs it). BENCH_SAMPLES (default 30), BENCH_WARMUP (default 3).
source "$(dirname "$0")/../support/run-bench.sh" lsp
require_ide_built
compile_and_run
