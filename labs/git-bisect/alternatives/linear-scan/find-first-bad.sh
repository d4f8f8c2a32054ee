#!/bin/bash
# Every commit from the oldest, until the first that fails; a commit
# that cannot be tested (125) is passed over. Slower than bisect, and as
# right. The work tree goes back to main at the end, whatever happens.
set -u
trap 'git checkout -q main' EXIT
for c in $(git rev-list --reverse main); do
	git checkout -q "$c"
	sh test.sh >/dev/null 2>&1
	case $? in
	0 | 125) ;;
	*) echo "$c"; exit 0 ;;
	esac
done
echo "no commit fails" >&2
exit 1
