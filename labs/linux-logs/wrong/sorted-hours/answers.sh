#!/bin/bash
# Wrong: the hours sorted as text, which puts 01/Nov before 31/Oct.
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report
export LC_ALL=C

# 1. Count lines per client (the first field), most first, ties by address.
awk '{print $1}' "$A" | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 3 |
	awk '{print $2, $1}' >"$R/top-ips.txt"

# 2. Status after the request; hours counted with sort | uniq -c.
awk -F'"' '{ split($3, f, " ") } f[1] ~ /^5[0-9][0-9]$/ { split($1, a, "["); print substr(a[2], 1, 14) }' "$A" |
	sort | uniq -c | awk '{print $2, $1}' >"$R/errors-per-hour.txt"

# 3. Requests of three words only; the path without its query string; the
#    time is the line's last field.
awk -F'"' '
	split($2, r, " ") == 3 {
		p = r[2]; sub(/\?.*/, "", p)
		t = $NF; gsub(/ /, "", t)
		if (!(p in max) || t + 0 > max[p] + 0) max[p] = t
	}
	END { for (p in max) print p, max[p] }
' "$A" | sort -k2,2nr -k1,1 | head -n 1 >"$R/slowest.txt"

# 4. auth's "login failed" lines only; user= wherever it is on the line.
grep -E '^[^ ]+ [A-Z]+ auth: login failed( |$)' "$P" |
	grep -oE '(^| )user=[^ ]+' | sed 's/.*user=//' |
	sort | uniq -c | sort -k1,1nr -k2,2 | head -n 1 |
	awk '{print $2, $1}' >"$R/failed-logins.txt"
