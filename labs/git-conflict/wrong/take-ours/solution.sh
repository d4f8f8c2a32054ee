#!/bin/sh
# Wrong: every conflict settled with main's side.
set -e
cd /srv/shop
git merge -X ours --no-edit free-shipping
