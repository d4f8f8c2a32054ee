#!/usr/bin/env bash
# bench.sh is `make bench`: labrunner against the plainest way of doing the
# same work (docker CLI, same images, same readiness probes), interleaved in
# one run, as one table of medians and ratios; results in bin/bench-results.json.
# The rows against DESIGN.md's targets run bin/lab itself (cold and warm
# check and reset of sql-join) against testcontainers-go, docker
# and pgx references; cold and warm check of redis-cache-aside,
# nginx-static and linux-permissions run it against their floors (docker run
# of the lab's containers + the same probes + docker rm; the checks'
# essential work done directly). For sql-join and those three it also breaks a
# cold and a warm `lab check` into the phases the lab process times
# (LAB_TRACE=1), grades a generated class of each (70% right from
# solution/ and alternatives/, 30% from wrong/, every verdict checked)
# with the default isolation against --isolation container, with the
# peak memory of lab and of its containers, and times `lab test` of the
# whole catalog. Expensive rows cap their runs. Peak RSS rows need GNU
# time (/usr/bin/time); the containers' memory rows a local engine.
# Batch sizes: BENCH_BATCH (100 submissions per lab), BENCH_BATCH_CONTAINER
# (10 of them with --isolation container), BENCH_BATCH_JOBS (-j 2).
# Images are labrunner's own (`make images` provides them first);
# The first-run rows fetch sql-join's images from nothing: over the pull
# path, from a local registry this script starts (scripts/registry-up.sh,
# address in BENCH_REGISTRY), and over the build path (debootstrap + apt,
# minutes; BENCH_FIRST_BUILD=0 leaves it out). They remove every image
# sharing layers with sql-join's and load them back at the end, so they
# need the engine to themselves.
# BENCH_N or -n sets the number of runs per side. Flags: go run ./cmd/lab-bench -h.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x bin/lab ]] || go build -o bin/lab ./cmd/lab
go build -o bin/lab-bench ./cmd/lab-bench
if [[ -z "${BENCH_REGISTRY:-}" ]]; then
	if BENCH_REGISTRY="$(scripts/registry-up.sh)"; then
		export BENCH_REGISTRY
	else
		echo "bench: no local registry; the first-run pull row will report an error" >&2
	fi
fi
exec bin/lab-bench "$@"
