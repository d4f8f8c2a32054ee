#!/usr/bin/env bash
# test-deps.sh installs what the tests need beyond Go and Docker: Chromium,
# for the headless-browser test of the HTML report (report/browser_test.go).
#
#   1. If /usr/bin/chromium exists, install nothing.
#   2. On Debian as root: apt-get install chromium (running apt-get update
#      first when the package lists do not know it yet).
#   3. Anywhere else: say how to get it and exit 0 — the browser test then
#      skips with a loud message (and fails when CI=true).
set -euo pipefail

log() { printf 'test-deps: %s\n' "$*" >&2; }

if [[ -x /usr/bin/chromium ]]; then
	exit 0
fi

if [[ ! -r /etc/debian_version || "$(id -u)" != 0 ]]; then
	log "no /usr/bin/chromium; install Debian's chromium package (as root: apt-get install -y chromium) to run the browser test"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
	log "apt-get update"
	apt-get update -qq
fi
log "apt-get install chromium"
# Recommends bring fonts-liberation, which screenshots need to show text.
apt-get install -y -qq chromium >/dev/null
log "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
