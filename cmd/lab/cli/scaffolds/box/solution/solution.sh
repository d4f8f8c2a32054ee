#!/bin/sh
set -e
chmod 0600 /srv/app/config
