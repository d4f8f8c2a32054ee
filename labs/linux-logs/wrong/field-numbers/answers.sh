#!/bin/bash
# Wrong: awk's space-split fields: $9 the status, $7 the path, which a request of "-" or with a space in it shifts.
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report
export LC_ALL=C

# 1. Count lines per client (the first field), most first, ties by address.
awk '{print $1}' "$A" | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 3 |
	awk '{print $2, $1}' >"$R/top-ips.txt"

# 2. $9 is the status, $4 the time.
awk '$9 ~ /^5[0-9][0-9]$/ { h = substr($4, 2, 14); if (!(h in n)) order[++k] = h; n[h]++ }
	END { for (i = 1; i <= k; i++) print order[i], n[order[i]] }' "$A" >"$R/errors-per-hour.txt"

# 3. $7 is the path, $NF the time.
awk '{ p = $7; sub(/\?.*/, "", p); if (!(p in max) || $NF + 0 > max[p] + 0) max[p] = $NF }
	END { for (p in max) print p, max[p] }' "$A" | sort -k2,2nr -k1,1 | head -n 1 >"$R/slowest.txt"

# 4. auth's "login failed" lines only; user= wherever it is on the line.
grep -E '^[^ ]+ [A-Z]+ auth: login failed( |$)' "$P" |
	grep -oE '(^| )user=[^ ]+' | sed 's/.*user=//' |
	sort | uniq -c | sort -k1,1nr -k2,2 | head -n 1 |
	awk '{print $2, $1}' >"$R/failed-logins.txt"
