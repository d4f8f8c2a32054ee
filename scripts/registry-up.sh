#!/usr/bin/env bash
# registry-up.sh starts a local container registry on 127.0.0.1 for the
# tests and the benchmark of the pull path: Debian's docker-registry
# package (the reference registry, distribution 2.8), installed when
# missing on Debian as root, run in the background with its storage in a
# temporary folder. It prints the registry's address ("127.0.0.1:5000").
#
#   LAB_TEST_REGISTRY_PORT   port to listen on (default 5000)
#
# Idempotent: a registry that already answers on the port is used.
set -euo pipefail

log() { printf 'registry-up: %s\n' "$*" >&2; }

port="${LAB_TEST_REGISTRY_PORT:-5000}"
addr="127.0.0.1:$port"
answers() { curl -fs -o /dev/null --max-time 2 "http://$addr/v2/"; }

if answers; then
	echo "$addr"
	exit 0
fi

bin=/usr/bin/docker-registry
if [[ ! -x "$bin" ]]; then
	if [[ ! -r /etc/debian_version || "$(id -u)" != 0 ]]; then
		log "no registry answers at $addr and docker-registry is not installed; install Debian's docker-registry package (or run any registry on $addr)"
		exit 1
	fi
	log "installing docker-registry"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null 2>&1; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
	fi
	# The package starts a system service on :5000 where systemd runs; the
	# tests start their own below.
fi

dir="$(mktemp -d /tmp/labrunner-registry.XXXXXX)"
cat >"$dir/config.yml" <<CONF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $addr
CONF
nohup "$bin" serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
for _ in $(seq 1 50); do
	if answers; then
		log "registry at $addr (storage $dir/data, log $dir/registry.log)"
		echo "$addr"
		exit 0
	fi
	sleep 0.2
done
log "the registry did not answer at $addr; see $dir/registry.log"
exit 1
