#!/usr/bin/env bash
# test.sh runs every test — unit, golden, fuzz seeds and integration tests
# against real containers — then proves that nothing labelled by labrunner
# is left on the engine. Used by `make test` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp /tmp/labrunner-test.XXXXXX.log)
echo "test: go mod tidy -diff, go vet and gofmt"
if ! go mod tidy -diff; then
	echo "test: go.mod or go.sum is not tidy; run go mod tidy"
	exit 1
fi
go vet ./...
unformatted=$(gofmt -l .)
if [[ -n "$unformatted" ]]; then
	echo "test: gofmt needed in: $unformatted"
	exit 1
fi

# lab ships for macOS and Windows too (see .github/workflows/release.yml):
# a Unix-only call in the code that lab builds fails here, not at release.
for target in darwin/arm64 darwin/amd64 windows/amd64 windows/arm64; do
	echo "test: go build ./cmd/lab for $target"
	GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null ./cmd/lab
done

# The unit tests once more under the race detector: the runner's
# abandoned-check and batch code is concurrent.
echo "test: go test -race -short (runner, checks, cli)"
go test -race -short -count=1 ./runner/... ./checks/... ./cmd/lab/cli/... >/dev/null

# The tests of the pull path push to a local registry (as `make test`
# starts the Docker engine with docker-up.sh, this starts the registry;
# it keeps running, like the engine). Without it they skip, and fail
# with CI=true.
if addr=$(scripts/registry-up.sh); then
	export LAB_TEST_REGISTRY="$addr"
	echo "test: local registry at $LAB_TEST_REGISTRY"
else
	echo "test: WARNING: no local registry; the pull-path tests skip (fail with CI=true)"
fi

echo "test: go test (full log: $log)"
status=0
go test -count=1 -timeout 20m -v ./... >"$log" 2>&1 || status=$?
# The summary: every test's verdict, what integration tests logged about
# the containers they used, and package results.
grep -E '^\s*(--- (PASS|FAIL|SKIP)|ok |FAIL|panic:|\S+_test\.go:[0-9]+: )' "$log" | grep -vE '^\s{8,}--- PASS' || true
if grep -qE 'SKIPPING (INTEGRATION|BROWSER) TEST' "$log"; then
	echo "test: WARNING: some tests were skipped (no Docker engine or no Chromium); see $log"
fi

# Anything labelled whose creating process is gone was left behind by the
# tests. (Objects of a process that still runs belong to someone else
# working on this engine, as on a shared development machine.)
left() { # left <docker subcommand…>: ids of labrunner objects of dead processes
	"$@" --filter label=io.labrunner.managed --format '{{.ID}} {{.Label "io.labrunner.pid"}}' 2>/dev/null |
		while read -r id pid; do
			if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then echo "$id"; fi
		done
}
left_c=$(left docker ps -a | wc -l)
left_n=$(left docker network ls | wc -l)
if [[ "$left_c" != 0 || "$left_n" != 0 ]]; then
	echo "test: FAIL: $left_c containers and $left_n networks with labrunner labels left behind:"
	docker ps -a --filter label=io.labrunner.managed
	status=1
else
	echo "test: no labrunner containers or networks left behind"
fi
if [[ $status != 0 ]]; then
	echo "test: FAIL (see $log)"
fi
exit $status
