package runner

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"strings"
)

// The runtime's zygote: most of a Python program's start, in a lab, is
// importing its drivers (redis, psycopg2: 130–170 ms of a 200 ms run),
// and a check runs the learner's code several times. So a runtime
// container keeps a zygote, a root process that imported them once, and a
// program `python3 SCRIPT ARGS…` run as ProgramUser starts as a fork of
// it instead of a new interpreter. Every run is still a new process of its
// own:
//
//   - The zygote never runs learner code and nothing of a run flows back
//     into it: the program is a copy-on-write fork (a supervisor forks
//     it per connection), of another user, which can neither signal,
//     trace nor write to the zygote, nor replace its socket (in root's
//     zygoteDir). What one program does to the modules, threads, files
//     or environment it got is gone with it; the next one is a new fork.
//   - Before the script runs, its process becomes the one the run's shell
//     would have started: a session of its own, the client's stdin,
//     stdout and stderr (the engine's pipes: the output cap holds), its
//     limits, umask, groups and user as the kernel reports them for the
//     client (ulimit -v and -f hold), its folder and environment, and the
//     script as __main__ with sys.argv and sys.path[0] as python3 sets
//     them.
//   - The client, which timeout(1) runs in place of python3, relays
//     TERM, INT, HUP and QUIT to the program's process group and ends as
//     the program did (its exit code, or killed by its signal): the
//     deadline and the OOM classification see what they saw before. The
//     supervisor kills the program when the client is gone (the KILL
//     after the grace), and the shell's kill -1 kills the rest.
//   - Where the zygote cannot stand in for python3 exactly (no zygote
//     yet, or it was killed; another user; python3's options; other
//     PYTHON*, LANG or LC_* variables than the zygote started with; a
//     script it cannot open) the client runs python3 itself, before any of
//     the program has run.
//
// What differs from a new interpreter, and is written down as accepted:
// the drivers are imported before the program (a file of the program's
// named redis.py does not shadow them; the labs' submission files are
// named by the lab), the program shares the zygote's hash seed (the order
// of a set of strings is the same in every run, as under PYTHONHASHSEED),
// and the zygote's memory (about 30 MB) counts in the container's.

// zygoteDir holds the zygote's socket and pid file: root's, so that a
// program cannot put a socket of its own in their place.
const zygoteDir = "/run/labrunner"

// zygotePreload is what the zygote imports: the labs' drivers. A module
// the image lacks is left out.
var zygotePreload = []string{"redis", "psycopg2"}

//go:embed runtime_zygote.py
var zygoteServer string

//go:embed runtime_zygote_client.py
var zygoteClient string

// zygoteSock is the zygote's socket, named for its code and its client's:
// a container started by another version of lab gets a zygote of this one.
var zygoteSock = func() string {
	h := sha256.Sum256([]byte(zygoteServer + "\x00" + zygoteClient + "\x00" + strings.Join(zygotePreload, " ")))
	return zygoteDir + "/py-" + hex.EncodeToString(h[:6]) + ".sock"
}()

// startZygote, a root shell script's tail, starts the zygote unless it
// runs: $1 its socket, $2 its code, $3 ProgramUser, then the preload. The
// zygote detaches itself; the exec does not wait for it. Its code comes on
// stdin, not in its command line, which a program can read (of its
// parent, the supervisor): a cheat that looks for the harness's arguments
// there finds only the socket, the user and the preload.
const startZygote = `zy() {
  s=$1 code=$2; shift 2
  if [ -S "$s" ] && kill -0 "$(cat "$s.pid" 2>/dev/null)" 2>/dev/null; then return 0; fi
  printf '%s' "$code" | python3 - "$s" "$@" >/dev/null 2>&1 &
}`

// zygoteArgs are the arguments of startZygote's zy.
func zygoteArgs() []string {
	return append([]string{zygoteSock, zygoteServer, ProgramUser}, zygotePreload...)
}

// zygoteCommand is cmd through the zygote's client when the zygote may
// run it: a script run by python3 as ProgramUser. Otherwise cmd itself.
func zygoteCommand(cmd []string, user string) []string {
	if user != ProgramUser || len(cmd) < 2 || (cmd[0] != "python3" && cmd[0] != "python") ||
		cmd[1] == "" || strings.HasPrefix(cmd[1], "-") {
		return cmd
	}
	return append([]string{"python3", "-I", "-S", "-c", zygoteClient, zygoteSock}, cmd[1:]...)
}
