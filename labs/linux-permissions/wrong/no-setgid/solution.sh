#!/bin/sh
# Right owners and modes, but the log folder lacks the setgid bit: a file
# alice creates there belongs to her own group, and bob cannot touch it.
set -e
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob
chown -R root:deploy /srv/site
find /srv/site -type d -exec chmod 2775 {} +
find /srv/site -type f -exec chmod 0664 {} +
chown root:deploy /srv/logs
chmod 0770 /srv/logs
chown alice:alice /srv/secret/api-key
chmod 0600 /srv/secret/api-key
chmod 0711 /srv/secret
