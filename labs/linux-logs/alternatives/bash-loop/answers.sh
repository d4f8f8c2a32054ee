#!/bin/bash
# Pure bash: one read loop per log with a regular expression over the whole
# line and associative arrays; sort only orders the results.
set -e
A=/var/log/nginx/access.log
P=/var/log/shop/app.log
R=/srv/report
export LC_ALL=C

declare -A hits=() errors=() slowest=()
hours=()
line_re='^([^ ]+) [^ ]+ [^ ]+ \[([^]]+)\] "([^"]*)" ([0-9]+) [^ ]+ "[^"]*" "[^"]*" ([0-9.]+)$'
while IFS= read -r line; do
	[[ $line =~ $line_re ]] || continue
	ip=${BASH_REMATCH[1]} time=${BASH_REMATCH[2]} request=${BASH_REMATCH[3]}
	status=${BASH_REMATCH[4]} took=${BASH_REMATCH[5]}
	hits[$ip]=$((${hits[$ip]:-0} + 1))
	if [[ $status == 5?? ]]; then
		hour=${time:0:14}
		[[ -n ${errors[$hour]} ]] || hours+=("$hour")
		errors[$hour]=$((${errors[$hour]:-0} + 1))
	fi
	read -r -a words <<<"$request"
	if ((${#words[@]} == 3)); then
		path=${words[1]%%\?*}
		best=${slowest[$path]:-}
		# Times have three decimals: compare them as whole milliseconds.
		if [[ -z $best ]] || ((10#${took/./} > 10#${best/./})); then
			slowest[$path]=$took
		fi
	fi
done <"$A"

for ip in "${!hits[@]}"; do echo "${hits[$ip]} $ip"; done |
	sort -k1,1nr -k2,2 | head -n 3 | while read -r n ip; do echo "$ip $n"; done >"$R/top-ips.txt"

: >"$R/errors-per-hour.txt"
for hour in "${hours[@]}"; do echo "$hour ${errors[$hour]}" >>"$R/errors-per-hour.txt"; done

for path in "${!slowest[@]}"; do echo "$path ${slowest[$path]}"; done |
	sort -k2,2nr -k1,1 | head -n 1 >"$R/slowest.txt"

declare -A failed=()
while IFS= read -r line; do
	read -r _ _ component w1 w2 rest <<<"$line"
	[[ $component == auth: && $w1 == login && $w2 == failed ]] || continue
	for kv in $rest; do
		if [[ $kv == user=* ]]; then
			user=${kv#user=}
			failed[$user]=$((${failed[$user]:-0} + 1))
			break
		fi
	done
done <"$P"
for user in "${!failed[@]}"; do echo "${failed[$user]} $user"; done |
	sort -k1,1nr -k2,2 | head -n 1 | while read -r n user; do echo "$user $n"; done >"$R/failed-logins.txt"
