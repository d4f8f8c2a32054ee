#!/bin/sh
# ACLs instead of group ownership for the site and the logs.
set -e
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob
setfacl -R -m g:deploy:rwX,u:web:rX /srv/site
find /srv/site -type d -exec setfacl -d -m g:deploy:rwX,u:web:rX {} +
chgrp deploy /srv/logs
chmod 2770 /srv/logs
chown alice:alice /srv/secret/api-key
chmod 400 /srv/secret/api-key
setfacl -m u:alice:x /srv/secret
