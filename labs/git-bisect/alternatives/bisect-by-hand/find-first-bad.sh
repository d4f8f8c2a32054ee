#!/bin/sh
# git bisect driven step by step: test the commit it checked out, tell it
# good, bad or skip, until it names the first bad commit.
set -e
git bisect start main "$(git rev-list --max-parents=0 main)" >/dev/null
while :; do
	rc=0
	./test.sh >/dev/null 2>&1 || rc=$?
	case $rc in
	0) verdict=good ;;
	125) verdict=skip ;;
	*) verdict=bad ;;
	esac
	case $(git bisect "$verdict") in
	*"is the first bad commit"*) break ;;
	esac
done
first_bad=$(git rev-parse refs/bisect/bad)
git bisect reset >/dev/null 2>&1
echo "$first_bad"
