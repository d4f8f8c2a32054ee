#!/bin/bash
# Merge without committing, settle test.sh with git's union merge (the
# lines of both sides), rewrite the two conflicting lines of
# shipping.conf, and commit with a message of our own.
set -euo pipefail
cd /srv/shop
git merge --no-ff --no-commit free-shipping || true
tmp=$(mktemp -d)
for stage in 1 2 3; do git show ":$stage:test.sh" >"$tmp/$stage"; done
git merge-file --union -p "$tmp/2" "$tmp/1" "$tmp/3" >test.sh
awk '
	/^<<<<<<< / || /^=======$/ || /^>>>>>>> / { next }
	/^free_over = / { if (!seen_free++) print "free_over = 40.00"; next }
	/^regions = / { if (!seen_regions++) print "regions = ch de at nl"; next }
	{ print }
' shipping.conf >"$tmp/conf"
cat "$tmp/conf" >shipping.conf
git add shipping.conf test.sh
git commit -m "Merge free-shipping: free from 40 euros, ship to NL and CH"
