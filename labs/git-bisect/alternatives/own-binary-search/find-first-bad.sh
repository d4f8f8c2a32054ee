#!/bin/sh
# A binary search of its own over main's commits, oldest first, each
# tested in a scratch folder (git archive): the repository itself is
# never touched. An untestable commit (125) is replaced by the nearest
# testable one between the two ends.
set -e
commits=$(git rev-list --reverse main)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
nth() { echo "$commits" | sed -n "${1}p"; }
# result N prints 0 (good), 1 (bad) or 125 (cannot be tested) for the
# Nth commit.
result() {
	rm -rf "$scratch/t" && mkdir "$scratch/t"
	git archive "$(nth "$1")" | tar -x -C "$scratch/t"
	rc=0
	sh "$scratch/t/test.sh" >/dev/null 2>&1 || rc=$?
	case $rc in 0 | 125) echo "$rc" ;; *) echo 1 ;; esac
}
good=1
bad=$(echo "$commits" | wc -l) # the first commit passes, the last fails
while [ $((bad - good)) -gt 1 ]; do
	p=$(((good + bad) / 2))
	while [ "$p" -lt "$bad" ] && [ "$(result "$p")" = 125 ]; do p=$((p + 1)); done
	if [ "$p" -eq "$bad" ]; then
		p=$(((good + bad) / 2 - 1))
		while [ "$p" -gt "$good" ] && [ "$(result "$p")" = 125 ]; do p=$((p - 1)); done
		[ "$p" -gt "$good" ] || break
	fi
	if [ "$(result "$p")" = 0 ]; then good=$p; else bad=$p; fi
done
nth "$bad"
