#!/bin/sh
# Plain sh: sed cuts each field out of the line, cut/sort/uniq count, and
# awk only to pick the maximum and keep first-seen order.
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report
LC_ALL=C
export LC_ALL

cut -d' ' -f1 "$A" | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 3 |
	sed -E 's/^ *([0-9]+) (.*)$/\2 \1/' >"$R/top-ips.txt"

# "HOUR STATUS" for each line: the hour after "[", the status after the
# request's closing quote.
sed -E 's/^[^[]*\[([^:]*:[0-9][0-9])[^"]*"[^"]*" ([0-9]{3}) .*$/\1 \2/' "$A" |
	grep -E ' 5[0-9]{2}$' | cut -d' ' -f1 | uniq -c |
	sed -E 's/^ *([0-9]+) (.*)$/\2 \1/' >"$R/errors-per-hour.txt"

# "PATH TIME" for requests of three words, the query string cut off.
sed -nE 's/^[^"]*"[A-Z]+ ([^ "?]*)(\?[^ "]*)? [^ "]+" .* ([0-9.]+)$/\1 \3/p' "$A" |
	sort -k2,2nr -k1,1 | head -n 1 >"$R/slowest.txt"

sed -nE 's/^[^ ]+ [A-Z]+ auth: login failed( .*)?$/\1/p' "$P" |
	sed -nE 's/^.* user=([^ ]+).*$/\1/p' | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 1 |
	sed -E 's/^ *([0-9]+) (.*)$/\2 \1/' >"$R/failed-logins.txt"
