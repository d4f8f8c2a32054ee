#!/bin/bash
# Runs as root in a fresh copy of the box on every `lab check`. Read the
# logs, write each answer to its file in /srv/report/ (see README.md).
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report

# 1. The 3 busiest clients: "ADDRESS COUNT", busiest first.
#    > $R/top-ips.txt

# 2. 5xx responses per hour: "HOUR COUNT", in time order.
#    > $R/errors-per-hour.txt

# 3. The slowest endpoint: "PATH SECONDS".
#    > $R/slowest.txt

# 4. The user with the most failed logins: "USER COUNT".
#    > $R/failed-logins.txt
