#!/usr/bin/env bash
# docker-up.sh makes sure a Docker engine answers, installing and starting one
# only where that is safe to do without asking: Debian, as root.
#
#   1. If `docker info` answers (DOCKER_HOST, the current context or the usual
#      sockets), use that engine and install nothing.
#   2. If DOCKER_HOST is set but does not answer, stop: the user chose an
#      engine, and starting another one would hide the mistake.
#   3. On Debian as root: install docker.io from Debian's packages when
#      dockerd is missing, start dockerd in the background, wait until it
#      answers.
#   4. Anywhere else: one sentence on how to get Docker, exit 1.
set -euo pipefail

log() { printf 'docker-up: %s\n' "$*" >&2; }

answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
	log "using the Docker engine at ${DOCKER_HOST:-the default socket}"
	exit 0
fi

if [[ -n "${DOCKER_HOST:-}" ]]; then
	log "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST to use a local one"
	exit 1
fi

# A socket in one of the usual places that the CLI does not try by default.
for sock in "${XDG_RUNTIME_DIR:-/nonexistent}/docker.sock" "$HOME/.docker/run/docker.sock" "$HOME/.docker/desktop/docker.sock"; do
	if [[ -S "$sock" ]] && DOCKER_HOST="unix://$sock" timeout 10 docker info >/dev/null 2>&1; then
		log "an engine answers at $sock; run: export DOCKER_HOST=unix://$sock"
		exit 1
	fi
done

if [[ ! -r /etc/debian_version || "$(id -u)" != 0 ]]; then
	log "no Docker engine answers; install Docker Engine or Docker Desktop (https://docs.docker.com/engine/install/), start it, and run this again"
	exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
	log "installing docker.io from Debian packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
	log "starting dockerd (log: /var/log/labrunner-dockerd.log)"
	# setsid: the engine must outlive the make or shell that started it.
	setsid dockerd >/var/log/labrunner-dockerd.log 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
	if answers; then
		log "Docker engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) is ready"
		exit 0
	fi
	sleep 0.5
done
log "dockerd did not answer within 60s; see /var/log/labrunner-dockerd.log"
exit 1
