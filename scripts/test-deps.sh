#!/usr/bin/env bash
# test-deps.sh installs what the tests need beyond Go and Docker:
#   chromium  the headless-browser test of the HTML report (report/browser_test.go)
#   acl       setfacl, for the access check's unit test on this machine
#             (checks/access_test.go)
#   libxml2-utils  xmllint, which validates the JUnit output against the
#             Jenkins junit-10 schema (report/consumers_test.go)
#   ajv-cli   ajv (from npm, when npm is there), which validates each
#             results.json against Exercism's interface
#             (report/consumers_test.go)
#   busybox   busybox sh, one of the shells the image contract check's
#             script is run under (runner/engine/contract_test.go): the
#             shell of alpine-based images set by hand
#   ruby      Ruby's CSV library, the parser Canvas's gradebook import uses
#             (report/lms_test.go)
#   php-cli   PHP's fgetcsv, the parser Moodle's CSV grade import uses
#             (report/lms_test.go)
#   tmux      a real terminal of a known size for lab shell's test
#             (cmd/lab/shell_test.go)
#
#   1. What is present is not installed again.
#   2. On Debian as root: apt-get install the rest (running apt-get update
#      first when the package lists do not know them yet).
#   3. Anywhere else: say how to get them and exit 0 — the browser test then
#      skips with a loud message (and fails when CI=true).
set -euo pipefail

log() { printf 'test-deps: %s\n' "$*" >&2; }

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v setfacl >/dev/null 2>&1 || missing+=(acl)
command -v busybox >/dev/null 2>&1 || missing+=(busybox)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v ruby >/dev/null 2>&1 || missing+=(ruby)
command -v php >/dev/null 2>&1 || missing+=(php-cli)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
if ! command -v ajv >/dev/null 2>&1; then
	if command -v npm >/dev/null 2>&1; then
		log "npm install -g ajv-cli@5"
		npm install -g --silent ajv-cli@5 >/dev/null || log "npm install -g ajv-cli@5 failed; the results.json schema test skips (fails when CI=true)"
	else
		log "missing: ajv (npm install -g ajv-cli@5, with Node.js's npm)"
	fi
fi
if [[ ${#missing[@]} -eq 0 ]]; then
	exit 0
fi

if [[ ! -r /etc/debian_version || "$(id -u)" != 0 ]]; then
	log "missing: ${missing[*]}; install Debian's packages (as root: apt-get install -y ${missing[*]}) to run every test"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
	log "apt-get update"
	apt-get update -qq
fi
log "apt-get install ${missing[*]}"
# Recommends bring fonts-liberation, which screenshots need to show text.
apt-get install -y -qq "${missing[@]}" >/dev/null
[[ ! -x /usr/bin/chromium ]] || log "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
