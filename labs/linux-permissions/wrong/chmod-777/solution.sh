#!/bin/sh
# "Permission denied? Open everything." Every user may now change the site,
# write to the logs and read the key.
set -e
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob
chown alice /srv/secret/api-key
chmod -R 777 /srv
