#!/bin/sh
# git bisect from main's first commit (good) to its tip (bad); test.sh's
# exit codes are what `git bisect run` expects: 0 good, 1 bad, 125 skip.
set -e
first=$(git rev-list --max-parents=0 main)
git bisect start main "$first" >/dev/null
git bisect run sh test.sh >/dev/null 2>&1
git rev-parse refs/bisect/bad
git bisect reset >/dev/null 2>&1
