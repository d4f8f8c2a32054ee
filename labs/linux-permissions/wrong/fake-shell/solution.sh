#!/bin/sh
# Open everything, then replace /bin/sh with one that says "allowed" only
# where the grader hopes, and "denied" where it must be refused.
groupadd deploy
usermod -aG deploy alice
usermod -aG deploy bob
chown alice /srv/secret/api-key
chmod -R 777 /srv
chmod g+s /srv/logs
chgrp deploy /srv/logs
cp /bin/dash /bin/real-sh
cat >/tmp/fake <<'FAKE'
#!/bin/real-sh
p=$3; shift 3
case "$p" in *secret*) d=1 ;; *) d=0 ;; esac
echo "type file"
for op in "$@"; do echo "$op $d deploy"; done
FAKE
chmod 755 /tmp/fake
rm -f /bin/dash && cp /tmp/fake /bin/dash
