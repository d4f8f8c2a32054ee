#!/bin/sh
# The first start of the official postgres image, on the offline image:
# what docker-library/postgres's docker-entrypoint.sh does when PGDATA is
# empty, step for step, so that the cold-check reference pays what a user of
# `postgres:16-alpine` with testcontainers' postgres module pays. The offline
# image's own entrypoint initialises without a temporary server and prints
# "ready to accept connections" once; this one prints it twice, as the
# official image does, which is what wait.ForLog(...).WithOccurrence(2)
# waits for.
#
#   1. as root: create PGDATA and the socket folder, drop to postgres;
#   2. initdb (synced, as the official image does; no --no-sync);
#   3. allow password logins from anywhere (scram-sha-256), listen on all
#      addresses;
#   4. start a temporary server on the socket only, create POSTGRES_DB
#      unless it is "postgres", run /docker-entrypoint-initdb.d (none here);
#   5. stop it (fast), then exec the real server with the container's args.
set -eu

if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	chmod 3777 /var/run/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
	pwfile="$(mktemp)"
	printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" >"$pwfile"
	initdb --username="$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 -D "$PGDATA"
	rm -f "$pwfile"
	printf '\nhost all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
	# The official image's postgresql.conf.sample says so; Debian's does not.
	printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

	shift # "postgres": the temporary server gets the remaining args
	PGUSER="$user" pg_ctl -D "$PGDATA" -o "$* -c listen_addresses='' -p 5432" -w start
	if [ "$db" != postgres ]; then
		echo "CREATE DATABASE \"$db\"" | psql -v ON_ERROR_STOP=1 -U "$user" -d postgres
	fi
	PGUSER="$user" pg_ctl -D "$PGDATA" -m fast -w stop
	echo 'PostgreSQL init process complete; ready for start up.'
	set -- postgres "$@"
fi

exec "$@"
