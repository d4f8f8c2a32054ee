#!/bin/sh
# Take free-shipping's side of every conflict, then add back main's
# change (Switzerland, and its test) and amend the merge commit: it keeps
# both parents.
set -e
cd /srv/shop
git merge -X theirs -m "Merge branch 'free-shipping'" free-shipping
sed -i 's/^regions = de at nl$/regions = de at nl ch/' shipping.conf
sed -i 's/^expect fr 20.00 refused$/expect ch 20.00 4.90\n&/' test.sh
git commit -a --amend --no-edit
