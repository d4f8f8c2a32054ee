#!/bin/sh
# Resolve each conflicting file to main's version, then apply
# free-shipping's edits to it, as one would with an editor.
set -e
cd /srv/shop
if ! git merge free-shipping; then
	git checkout --ours shipping.conf test.sh
	sed -i -e 's/^free_over = 50.00$/free_over = 40.00/' \
		-e 's/^regions = de at ch$/regions = de at ch nl/' shipping.conf
	sed -i 's/^expect ch 20.00 4.90$/&\nexpect de 45.00 0.00\nexpect nl 20.00 4.90/' test.sh
	git add shipping.conf test.sh
	git -c core.editor=true commit
fi
