#!/usr/bin/env bash
# Delete benchmark: HTTP requests proxied by the gateway while a workspace with BENCH_DELETE_GB (default 2) of Go
# caches is deleted, with Warren's removal (rename, then remove in the background) against a synchronous removal and
# against no removal at all, in the same run and the same process (the gateway and the removal share the event loop,
# as in warren serve). JSON result on stdout, progress on stderr.
source "$(dirname "$0")/../support/run-bench.sh" delete
compile_and_run
