package main_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner/engine"
)

// hostileProgram is a submission of a batch of hostile programs and the
// grade it must get.
type hostileProgram struct {
	name string
	// code is appended to the lab's solution, so that it runs when the
	// module is imported, before any function of it: if the protection
	// it runs into is gone, the code goes on as the solution and passes.
	code   string
	status string
	// message matches (as a regexp) a message or an output of the
	// submission or of one of its tests.
	message string
}

// gradePrograms writes each program as file, the lab's solution followed
// by the program's code, grades them as one batch with `lab grade` and
// checks each submission's status and message, that each was graded
// within the deadline, and that the run left no container or network.
func gradePrograms(t *testing.T, lab, file string, jobs int, deadline time.Duration, progs []hostileProgram) {
	t.Helper()
	d := dockertest.Driver(t)
	good, err := os.ReadFile(filepath.Join("../../labs", lab, "solution", file))
	if errors.Is(err, fs.ErrNotExist) {
		// A lab offered in several languages: its Python solution, which
		// lab grade grades by default.
		good, err = os.ReadFile(filepath.Join("../../labs", lab, "solution", "python", file))
	}
	if err != nil {
		t.Fatal(err)
	}
	subs := t.TempDir()
	for _, p := range progs {
		writeFile(t, filepath.Join(subs, p.name, file), string(good)+"\n\n# hostile\n"+p.code)
	}
	out := t.TempDir()
	cmd := exec.Command(buildLab(t), "grade", lab, subs, "-j", strconv.Itoa(jobs), "--deadline", deadline.String(), "--format", "json", "--out", out)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+t.TempDir(), "NO_COLOR=1")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("grade: %v, want exit 1\n%s", err, errOut.String())
	}
	// Everything the run created carries its process id.
	dockertest.NoLeftovers(t, d, engine.LabelPID+"="+strconv.Itoa(cmd.Process.Pid), "the batch")

	got, graded := readGraded(t, out)
	for _, p := range progs {
		s, ok := got[p.name]
		if !ok {
			t.Errorf("%s: not graded", p.name)
			continue
		}
		msgs := s.messages()
		took := time.Duration(s.DurationMS * float64(time.Millisecond))
		first := s.Message
		if len(s.Tests) > 0 {
			first += s.Tests[0].Message
		}
		t.Logf("%s: %s in %s: %s", p.name, s.Status, took.Round(time.Millisecond), first)
		if s.Status != p.status {
			t.Errorf("%s: status %s, want %s\n%s", p.name, s.Status, p.status, msgs)
		} else if p.message != "" && !regexp.MustCompile(p.message).MatchString(msgs) {
			t.Errorf("%s: no %q in the messages:\n%s", p.name, p.message, msgs)
		}
		if took > deadline {
			t.Errorf("%s: graded in %s, the deadline is %s", p.name, took, deadline)
		}
	}
	if strings.Contains(errOut.String(), "connection pool") {
		t.Errorf("a library's log reached the grader's output")
	}
	if t.Failed() {
		t.Logf("lab grade's output:\n%s", errOut.String())
	}
	t.Logf("graded %d programs of %s in %s", len(graded), lab, elapsed.Round(time.Millisecond))
}

// TestHostileRedisPrograms grades cache.py programs of redis-cache-aside
// that attack Redis, on one worker, so that every program runs on the
// Redis the one before it left: each gets a fail with a clear message, and
// the solutions graded after them still pass. The comment of each case
// names the protection it runs into.
func TestHostileRedisPrograms(t *testing.T) {
	progs := []hostileProgram{
		// The learner's Redis user (acl: true) is denied the dangerous
		// commands.
		{name: "a-flushall", code: "cache().flushall()\n", status: "fail", message: `NoPermissionError: .*'flushall'`},
		{name: "b-config-set", code: "cache().config_set('dir', '/')\ncache().config_set('maxmemory', '1')\n", status: "fail", message: `NoPermissionError: .*'config\|set'`},
		// DEBUG is refused to every client (enable-debug-command is no),
		// and denied to the learner's user.
		{name: "c-debug-sleep", code: "cache().execute_command('DEBUG', 'SLEEP', '30')\n", status: "fail", message: `DEBUG command not allowed|NoPermissionError: .*'debug'`},
		// 200,000 keys are fine; KEYS over them is denied (SCAN is not).
		{name: "d-keys-200k", code: `import sys
pipe = cache().pipeline(transaction=False)
for i in range(200000):
    pipe.set(f"junk:{i}", i)
    if i % 10000 == 9999:
        pipe.execute()
print(len(cache().keys("*")), file=sys.stderr)
`, status: "fail", message: `NoPermissionError: .*'keys'`},
		// The default user has a password the program does not know: it
		// cannot skip the learner's user.
		{name: "e-default-user", code: `from urllib.parse import urlparse
admin = redis.Redis(host=urlparse(os.environ["REDIS_URL"]).hostname, port=6379)
admin.flushall()
admin.config_set("maxmemory", "1")
`, status: "fail", message: `AuthenticationError: Authentication required`},
		// The program's address space is bounded (ulimit -v).
		{name: "f-500mb-value", code: "cache().set('big', 'x' * (500 << 20))\n", status: "fail", message: `MemoryError`},
		// Streamed from a small buffer, the value meets Redis' bulk
		// length limit (proto-max-bulk-len) at its header; without it,
		// two such values would fill Redis' memory.
		{name: "g-500mb-streamed", code: streamedValue, status: "fail", message: `refused: ERR Protocol error: invalid bulk length`},
		// Redis answers BUSY after busy-reply-threshold, and a reset kills
		// the script (SCRIPT KILL) before the next submission.
		{name: "h-lua-endless-loop", code: `r = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
r.eval("while true do end", 0)
`, status: "fail", message: `TimeoutError: Timeout reading from socket`},
		{name: "i-solution-after-loop", status: "pass"},
		// A script that wrote cannot be killed: a reset stops Redis
		// (SHUTDOWN NOSAVE), starts its container again and seeds it.
		{name: "j-lua-unkillable-loop", code: `r = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
r.eval("redis.call('SET', KEYS[1], 'x') while true do end", 1, "owned")
`, status: "fail", message: `TimeoutError: Timeout reading from socket`},
		{name: "k-solution-after-unkillable", status: "pass"},
	}
	gradePrograms(t, "redis-cache-aside", "cache.py", 1, 20*time.Second, progs)
}

// streamedValue sends SET big:<n> with a 500 MB value on two connections
// at once, from a 1 MB buffer, as the learner's user.
const streamedValue = `import socket, threading
from urllib.parse import urlparse

def resp(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

def send_big(n, replies):
    u = urlparse(os.environ["REDIS_URL"])
    s = socket.create_connection((u.hostname, u.port or 6379), timeout=5)
    s.sendall(resp(b"AUTH", u.username.encode(), u.password.encode()))
    s.recv(100)
    size = 500 << 20
    key = b"big:%d" % n
    s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n" % (len(key), key, size))
    s.settimeout(0.5)
    try:
        replies[n] = s.recv(200)
        return
    except socket.timeout:
        pass
    s.settimeout(30)
    chunk = b"x" * (1 << 20)
    try:
        for _ in range(size >> 20):
            s.sendall(chunk)
        s.sendall(b"\r\n")
        replies[n] = s.recv(200)
    except OSError as e:
        replies[n] = repr(e).encode()

replies = {}
threads = [threading.Thread(target=send_big, args=(n, replies)) for n in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for reply in replies.values():
    if not reply.startswith(b"+OK"):
        raise SystemExit("refused: " + reply.decode(errors="replace").strip().lstrip("-"))
`
