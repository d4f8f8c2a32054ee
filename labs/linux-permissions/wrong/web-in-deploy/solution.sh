#!/bin/sh
# web joins deploy to read the site, and so may change it too.
set -e
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob
usermod -aG deploy web
chown -R root:deploy /srv/site
find /srv/site -type d -exec chmod 2770 {} +
find /srv/site -type f -exec chmod 0660 {} +
chown root:deploy /srv/logs
chmod 2770 /srv/logs
chown alice:alice /srv/secret/api-key
chmod 0600 /srv/secret/api-key
chmod 0711 /srv/secret
