#!/bin/sh
# One awk pass over the access log for three answers, with the fields cut
# out of $0 by match() and substr(); ties settled by comparing strings in
# awk (LC_ALL=C: byte order), no sort at all.
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report
LC_ALL=C
export LC_ALL

awk -v R="$R" '
function better(n1, k1, n2, k2) { return n1 > n2 || (n1 == n2 && k1 < k2) }
{
	ip = $1
	hits[ip]++
	q1 = index($0, "\"")                      # the request opens here
	rest = substr($0, q1 + 1)
	q2 = index(rest, "\"")                    # and closes here
	request = substr(rest, 1, q2 - 1)
	after = substr(rest, q2 + 2)              # "STATUS BYTES ..."
	status = substr(after, 1, index(after, " ") - 1)
	if (status ~ /^5[0-9][0-9]$/) {
		hour = substr($0, index($0, "[") + 1, 14)
		if (!(hour in errors)) hours[++nh] = hour
		errors[hour]++
	}
	if (split(request, w, " ") == 3) {
		path = w[2]
		if (index(path, "?")) path = substr(path, 1, index(path, "?") - 1)
		if (!(path in slow) || $NF + 0 > slow[path] + 0) slow[path] = $NF
	}
}
END {
	for (i = 1; i <= 3; i++) {
		best = ""
		for (ip in hits)
			if (!(ip in taken) && (best == "" || better(hits[ip], ip, hits[best], best))) best = ip
		if (best == "") break
		taken[best] = 1
		print best, hits[best] > (R "/top-ips.txt")
	}
	for (i = 1; i <= nh; i++) print hours[i], errors[hours[i]] > (R "/errors-per-hour.txt")
	best = ""
	for (p in slow) if (best == "" || better(slow[p] + 0, p, slow[best] + 0, best)) best = p
	print best, slow[best] > (R "/slowest.txt")
}' "$A"
: >>"$R/errors-per-hour.txt"

awk '
$3 == "auth:" && $4 == "login" && $5 == "failed" {
	for (i = 6; i <= NF; i++) if (substr($i, 1, 5) == "user=") { n[substr($i, 6)]++; break }
}
END {
	for (u in n) if (best == "" || n[u] > n[best] || (n[u] == n[best] && u < best)) best = u
	print best, n[best]
}' "$P" >"$R/failed-logins.txt"
