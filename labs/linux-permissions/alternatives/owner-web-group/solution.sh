#!/bin/sh
# deploy created with its members in one go; the key's folder owned by
# alice; numeric modes throughout.
set -e
groupadd -U alice,bob deploy 2>/dev/null || { groupadd deploy; usermod -aG deploy alice; usermod -aG deploy bob; }
chown -R :deploy /srv/site
chmod 2775 /srv/site /srv/site/css
chmod 664 /srv/site/index.html /srv/site/css/site.css
chown :deploy /srv/logs
chmod 3770 /srv/logs
chown -R alice:alice /srv/secret
chmod 700 /srv/secret
chmod 600 /srv/secret/api-key
