#!/bin/sh
# Symbolic chmod, the site owned by root with group deploy.
set -e
groupadd deploy
gpasswd -a alice deploy
gpasswd -a bob deploy
chgrp -R deploy /srv/site
chmod -R u=rwX,g=rwX,o=rX /srv/site
find /srv/site -type d -exec chmod g+s {} +
chgrp deploy /srv/logs
chmod u=rwx,g=rwxs,o= /srv/logs
chown alice /srv/secret/api-key
chmod u=r,go= /srv/secret/api-key
chmod u=rwx,go=x /srv/secret
