#!/bin/sh
# The key is shared with the deploy group: bob can read it.
set -e
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob
chown -R root:deploy /srv/site
find /srv/site -type d -exec chmod 2775 {} +
find /srv/site -type f -exec chmod 0664 {} +
chown root:deploy /srv/logs
chmod 2770 /srv/logs
chown alice:deploy /srv/secret/api-key
chmod 0640 /srv/secret/api-key
chmod 0711 /srv/secret
