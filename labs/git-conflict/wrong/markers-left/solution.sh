#!/bin/sh
# Wrong: the merge stops at its conflicts and is left there.
cd /srv/shop
git merge free-shipping
exit 0
