#!/bin/sh
# Entrypoint of labrunner/postgres: the official image's env contract on
# Debian's PostgreSQL. "--init-only" initialises PGDATA and exits (used at
# build time).
set -eu

user="${POSTGRES_USER:-postgres}"
password="${POSTGRES_PASSWORD:-}"
db="${POSTGRES_DB:-$user}"
stamp="$PGDATA/.labrunner-env"
want="$user:$password:$db"

# The data directory initialised at build time. When PGDATA points
# elsewhere (labrunner mounts a tmpfs there) and is empty, start from a
# copy of it: faster than initdb, and everything after runs in memory.
baked=/var/lib/postgresql/data

if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	if [ "$PGDATA" != "$baked" ] && [ ! -s "$PGDATA/PG_VERSION" ] && [ -s "$baked/PG_VERSION" ]; then
		cp -a "$baked/." "$PGDATA/"
	fi
	chown postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

single() { postgres --single -D "$PGDATA" -c fsync=off postgres >/dev/null; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	pwfile="$(mktemp)"
	printf '%s\n' "$password" >"$pwfile"
	initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -A trust --auth-host=scram-sha-256 \
		-E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
	rm -f "$pwfile"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
	# The image has no LLVM: JIT compilation is off.
	echo "jit = off" >>"$PGDATA/postgresql.conf"
	if [ "$db" != postgres ]; then
		echo "CREATE DATABASE \"$db\"" | single
	fi
	printf '%s' "$want" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	# Pre-initialised with other credentials: bring the cluster to these.
	{
		echo "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN CREATE ROLE \"$user\" SUPERUSER LOGIN; END IF; END\$\$"
		echo "ALTER ROLE \"$user\" PASSWORD '$password'"
	} | single
	# Single-user mode reports a failed statement on stderr but exits 0, so
	# an existing database is simply left as it is.
	echo "CREATE DATABASE \"$db\" OWNER \"$user\"" | single 2>/dev/null || true
	printf '%s' "$want" >"$stamp"
fi

[ "${1:-}" = "--init-only" ] && exit 0
if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
	set -- postgres "$@"
fi
exec "$@"
