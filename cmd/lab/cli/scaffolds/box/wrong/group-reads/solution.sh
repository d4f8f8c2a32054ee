#!/bin/sh
set -e
chmod 0640 /srv/app/config
