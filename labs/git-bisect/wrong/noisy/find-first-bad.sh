#!/bin/sh
# Wrong: git bisect's own report on stdout, the hash somewhere in it.
set -e
first=$(git rev-list --max-parents=0 main)
git bisect start main "$first"
git bisect run sh test.sh
git bisect reset
