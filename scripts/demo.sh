#!/usr/bin/env bash
# demo.sh is `make demo`: the doctor report, then one real service started,
# used and removed.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== lab doctor"
bin/lab doctor
echo
echo "== a disposable Postgres, started, queried and removed"
go run ./scripts/demo-service
