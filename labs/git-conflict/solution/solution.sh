#!/bin/sh
set -e
cd /srv/shop

# The merge stops at its conflicts (exit 1): that is expected here.
git merge free-shipping || true

# Both sides of each conflict, by hand: free-shipping's threshold, every
# region of both branches, and the tests of both.
cat >shipping.conf <<'CONF'
# Shipping rules of the shop; quote.sh reads them.
currency = EUR
flat_rate = 4.90
free_over = 40.00
regions = de at ch nl
CONF
sed -i '/^<<<<<<< /d; /^=======$/d; /^>>>>>>> /d' test.sh

git add shipping.conf test.sh
git commit --no-edit
