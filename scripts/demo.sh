#!/usr/bin/env bash
# demo.sh is `make demo`: the environment report, then the sql-join lab
# graded twice — with its reference solution (every check passes) and with
# a known-wrong one (a check fails, with the message a learner sees).
set -euo pipefail
cd "$(dirname "$0")/.."
lab=bin/lab
ws=$(mktemp -d /tmp/labrunner-demo.XXXXXX)
export LAB_STATE_DIR="$ws/.state" # keep the demo out of your own progress
trap '$lab stop -C "$ws/sql-join" >/dev/null 2>&1 || true; rm -rf "$ws"' EXIT

echo "== lab doctor"
$lab doctor
echo
echo "== lab start sql-join"
$lab start sql-join "$ws/sql-join"
echo
echo "== the reference solution"
cp labs/sql-join/solution/solution.sql "$ws/sql-join/solution.sql"
$lab check -C "$ws/sql-join"
echo
echo "== a known-wrong solution (an INNER JOIN drops the customers without orders)"
cp labs/sql-join/wrong/inner-join/solution.sql "$ws/sql-join/solution.sql"
if $lab check -C "$ws/sql-join"; then
	echo "demo: the wrong solution passed, which it must not" >&2
	exit 1
fi
echo
$lab stop -C "$ws/sql-join"
echo
echo "Try it yourself:  bin/lab list;  bin/lab start sql-join;  cd sql-join;  ../bin/lab check"
