#!/bin/sh
# Wrong: the right files, in an ordinary commit: git merge --squash
# records no merge.
set -e
cd /srv/shop
git merge --squash free-shipping || true
cat >shipping.conf <<'CONF'
# Shipping rules of the shop; quote.sh reads them.
currency = EUR
flat_rate = 4.90
free_over = 40.00
regions = de at ch nl
CONF
sed -i '/^<<<<<<< /d; /^=======$/d; /^>>>>>>> /d' test.sh
git add shipping.conf test.sh
git commit -m "Free shipping from 40 euros, ship to the Netherlands"
