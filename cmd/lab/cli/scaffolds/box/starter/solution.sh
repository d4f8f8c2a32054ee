#!/bin/sh
# Runs as root in the box, from a fresh copy of it, on every `lab check`.
# Stop at the first error.
set -e

# TODO (learner): make /srv/app/config readable and writable by its owner only.
