#!/bin/sh
# Runs as root in a fresh box on every `lab check`, from /root.
# Merge free-shipping into main in /srv/shop, keeping the changes of both
# branches. Stop at the first error.
set -e
cd /srv/shop
