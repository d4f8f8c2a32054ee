#!/bin/sh
set -e

# 1. The deploy group, with alice and bob in it.
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob

# 2. The site: owned by the deploy group, which may change it (folders are
#    setgid, so new files join the group too); everyone else, web included,
#    may only read.
chown -R root:deploy /srv/site
find /srv/site -type d -exec chmod 2775 {} +
find /srv/site -type f -exec chmod 0664 {} +

# 3. The log folder: deploy members create files, which belong to deploy
#    (setgid); others stay out.
chown root:deploy /srv/logs
chmod 2770 /srv/logs

# 4. The key: alice's alone. The folder lets anyone pass through to a file
#    they may open, but not list it.
chown alice:alice /srv/secret/api-key
chmod 0600 /srv/secret/api-key
chmod 0711 /srv/secret
