#!/usr/bin/env bash
# bench.sh is `make bench`: labrunner against the plainest way of doing the
# same work (docker CLI, same images, same readiness probes), interleaved in
# one run, as one table of medians and ratios; results in bench/results.json.
# The rows against DESIGN.md's targets run bin/lab itself (cold and warm
# check, reset, batch grading of sql-join) against testcontainers-go, docker
# and pgx references; expensive rows cap their runs, so the whole suite
# takes a few minutes on 2 cores. Peak RSS rows need GNU time (/usr/bin/time).
# LAB_IMAGE_SET comes from the environment (the Makefile exports offline);
# BENCH_N or -n sets the number of runs per side. Flags: go run ./bench -h.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x bin/lab ]] || go build -o bin/lab ./cmd/lab
go build -o bin/lab-bench ./bench
exec bin/lab-bench "$@"
