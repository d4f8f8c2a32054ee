package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// Crash injection (a command check's kill_at, checks/command_crash.go):
// the program's stdout goes through a FIFO to a watcher, a shell of the
// program's user started before it, which copies every line to the run's
// stdout and, at the kill point's line, kills every process of that user
// in the container with SIGKILL but itself and the run's shell: the
// program, what it started, timeout(1) and the zygote's client. That is a
// crash as the program meets it — no exception, no atexit, no finally —
// while the run's shell survives to report the exit code (timeout's 137)
// and the memory counters as for any other run.
//
// The watcher is a shell, not Python, so that it works in a runtime of
// any language; its loop is builtins only. It marks the kill on stderr
// with crashMarker, which the runner takes out (a program that prints the
// marker itself, and is not killed, does not exit with SIGKILL's code, and
// is not taken for killed). Lines are copied as lines: a last line without
// a newline gets one, and NUL bytes are dropped.
//
// The kill is done from inside the container, right where the line is
// read: no round trip to the engine between the line and the kill. The
// program should still wait after printing the line (a harness's handler
// does), so that it cannot run on before the kill lands.

// crashMarker starts the line the watcher adds to stderr when it killed
// the program.
const crashMarker = "labrunner-crash: killed"

// crashWatcher is the watcher's script: $1 the start of the line, $2 its
// count. It reads the FIFO on stdin.
const crashWatcher = `prefix=$1 count=$2 n=0 me=$$ parent=$PPID
while read -r k v rest; do [ "$k" = Uid: ] && uid=$v && break; done </proc/self/status
killall() {
  round=0
  while [ $round -lt 50 ]; do
    round=$((round + 1)) found=
    for s in /proc/[0-9]*/status; do
      pid=${s#/proc/}; pid=${pid%/status}
      [ "$pid" = "$me" ] || [ "$pid" = "$parent" ] && continue
      u= z=
      while read -r k v rest; do
        case $k in State:) [ "$v" = Z ] && z=1 ;; Uid:) u=$v; break ;; esac
      done <"$s" 2>/dev/null || continue
      [ "$u" = "$uid" ] && [ -z "$z" ] && kill -9 "$pid" 2>/dev/null && found=1
    done
    [ -z "$found" ] && return
  done
}
while IFS= read -r line || [ -n "$line" ]; do
  printf '%s\n' "$line"
  case $line in
  "$prefix"*)
    n=$((n + 1))
    if [ "$n" -eq "$count" ]; then
      killall
      echo "` + crashMarker + `" >&2
    fi ;;
  esac
done`

// crashScript is the part of a run's script that runs the program ("$@")
// under a watcher: the FIFO in a folder of its own, removed afterwards.
// It sets rc as the plain run does. $1, $2 and $3 are the watcher's
// (crashArgs), shifted off.
func crashScript(timeout string) string {
	return `ks=$1 kp=$2 kc=$3; shift 3
kd=$(mktemp -d) && mkfifo "$kd/out" || exit 125
/bin/sh -c "$ks" labrunner-watcher "$kp" "$kc" <"$kd/out" &
kw=$!
` + timeout + ` "$@" >"$kd/out"; rc=$?
wait $kw; rm -rf "$kd"`
}

// crashArgs are crashScript's arguments before the program's.
func crashArgs(kp *checks.KillPoint) []string {
	return []string{crashWatcher, kp.StartsWith, strconv.Itoa(kp.Count)}
}

// takeCrashMarker removes the watcher's marker from stderr and reports
// whether it was there.
func takeCrashMarker(stderr string) (string, bool) {
	i := strings.Index(stderr, crashMarker+"\n")
	if i < 0 || (i > 0 && stderr[i-1] != '\n') {
		return stderr, false
	}
	return stderr[:i] + stderr[i+len(crashMarker)+1:], true
}

// killedNote is what stderr says of a program the grader killed.
func killedNote(kp *checks.KillPoint) string {
	return fmt.Sprintf("\n[lab] the grader killed the program (SIGKILL) %s\n", kp)
}
