#!/bin/sh
# Runs as root in the box, from a fresh copy of it, on every `lab check`.
# Stop at the first error.
set -e

# 1. The deploy group, with alice and bob in it.

# 2. The site in /srv/site: web reads it, deploy members change it.

# 3. /srv/logs: deploy members create files there, and new files belong to
#    the deploy group.

# 4. /srv/secret/api-key: alice's, and only alice reads it.
