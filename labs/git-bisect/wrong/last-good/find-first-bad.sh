#!/bin/sh
# Wrong: the last good commit, one before the first bad.
set -e
first=$(git rev-list --max-parents=0 main)
git bisect start main "$first" >/dev/null
git bisect run sh test.sh >/dev/null 2>&1
git rev-parse refs/bisect/bad^
git bisect reset >/dev/null 2>&1
