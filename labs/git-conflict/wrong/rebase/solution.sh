#!/bin/sh
# Wrong: free-shipping rebased onto main (its side kept in each conflict),
# Switzerland put back, and main fast-forwarded: the files are right, in
# new commits, and there is no merge.
set -e
cd /srv/shop
git checkout -q free-shipping
git rebase -X theirs main
sed -i 's/^regions = de at nl$/regions = de at ch nl/' shipping.conf
sed -i 's/^expect fr 20.00 refused$/expect ch 20.00 4.90\n&/' test.sh
git commit -q -a -m "Ship to Switzerland again"
git checkout -q main
git merge --ff-only free-shipping
