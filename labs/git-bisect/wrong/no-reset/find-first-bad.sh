#!/bin/sh
# Wrong: the right answer, and the repository left in the middle of a
# bisect, on a detached HEAD.
set -e
first=$(git rev-list --max-parents=0 main)
git bisect start main "$first" >/dev/null
git bisect run sh test.sh >/dev/null 2>&1
git rev-parse refs/bisect/bad
