#!/usr/bin/env bash
# build.sh builds labrunner's offline image set from Debian packages, for
# machines that cannot pull from a container registry.
#
#   labrunner/base:bookworm     debootstrap --variant=minbase + docker import
#   labrunner/postgres:15       PostgreSQL, pre-initialised data directory
#   labrunner/redis:7           Redis
#   labrunner/nginx:1.22        nginx, with the official image's layout
#   labrunner/box:bookworm      a plain Debian box for OS labs
#   labrunner/python:3.11       python3 with psycopg2 and redis from Debian
#   labrunner/backend:1         the upstream HTTP server of nginx labs (Go,
#                               compiled here with CGO_ENABLED=0; needs go)
#
# Every step is cached: the base is built only when the image is missing and
# the others use Docker's build cache, so a second run takes seconds.
# Usage: images/build.sh [kind...]   (default: all)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
log() { printf 'images: %s\n' "$*" >&2; }

base=labrunner/base:bookworm
mirror="${DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
	mirror="$(grep -h -m1 -oE '^URIs: *http[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')"
	mirror="${mirror:-$(grep -h -m1 -oE '^deb +http[^ ]+/debian ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}')}"
	mirror="${mirror:-http://deb.debian.org/debian}"
fi

build_base() {
	if docker image inspect "$base" >/dev/null 2>&1; then
		log "$base present"
		return
	fi
	if ! command -v debootstrap >/dev/null 2>&1; then
		if [[ "$(id -u)" == 0 && -r /etc/debian_version ]]; then
			log "installing debootstrap"
			# Package lists may be missing on a fresh machine that had Docker.
			if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1; then
				apt-get update -qq
				DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
			fi
		else
			log "debootstrap is needed to build $base; install it (apt-get install debootstrap) and run this again"
			exit 1
		fi
	fi
	root="$(mktemp -d /tmp/labrunner-rootfs.XXXXXX)"
	trap 'rm -rf "$root"' EXIT
	log "debootstrap bookworm from $mirror (about 30 s)"
	debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/labrunner-debootstrap.log 2>&1 ||
		{ log "debootstrap failed; see /tmp/labrunner-debootstrap.log"; exit 1; }
	# Keep images small and apt quiet inside builds.
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90labrunner"
	tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$base" >/dev/null
	rm -rf "$root"
	trap - EXIT
	log "$base built"
}

declare -A tags=(
	[postgres]=labrunner/postgres:15
	[redis]=labrunner/redis:7
	[nginx]=labrunner/nginx:1.22
	[box]=labrunner/box:bookworm
	[python]=labrunner/python:3.11
	[backend]=labrunner/backend:1
)
order=(postgres redis nginx box python backend)

kinds=("$@")
[[ ${#kinds[@]} -eq 0 ]] && kinds=("${order[@]}")

build_base
for kind in "${kinds[@]}"; do
	tag="${tags[$kind]:-}"
	if [[ -z "$tag" ]]; then
		log "unknown image kind \"$kind\" (known: ${order[*]})"
		exit 2
	fi
	start=$(date +%s%N)
	if [[ "$kind" == backend ]]; then
		# A static binary built on the host: no Go image is needed.
		if ! (cd "$here/.." && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$here/backend/backend" ./images/backend); then
			log "building the backend binary failed (is Go installed?)"
			exit 1
		fi
	fi
	if ! docker build -q --build-arg BASE="$base" -t "$tag" "$here/$kind" >/tmp/labrunner-build-"$kind".log 2>&1; then
		log "building $tag failed:"
		tail -n 20 /tmp/labrunner-build-"$kind".log >&2
		exit 1
	fi
	log "$tag ready ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
done
