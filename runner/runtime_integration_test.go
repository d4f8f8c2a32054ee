package runner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// programTimeout is the timeout of the check that runs the learner's
// program in programLab.
const programTimeout = 4 * time.Second

// programLab is a lab built in Go: a runtime that runs the learner's
// prog.py, and a Redis with a learner user, seeded from a command file.
func programLab() *labs.Lab {
	files := fstest.MapFS{
		"prog/seed.redis": {Data: []byte("# seeded\nSET greeting \"hello world\"\nHSET user:1 name 'Ada Lovelace' email ada@example.com\n")},
	}
	ok := "ok"
	run := &checks.Command{Command: []string{"python3", "/app/prog.py"}, Stdout: &checks.Match{Equals: &ok}}
	seeded := &checks.RedisKey{Key: "greeting", Value: &checks.Match{Equals: strp("hello world")}, TTL: &checks.TTLRange{None: true}}
	hash := &checks.RedisKey{Key: "user:1", KeyType: "hash", Field: "email", Value: &checks.Match{Equals: strp("ada@example.com")}}
	lab := &labs.Lab{
		ID:  "prog",
		Dir: "prog",
		Services: map[string]*labs.Service{
			"app":   {Kind: "runtime"},
			"cache": {Kind: "redis", ACL: true, Fixtures: []string{"seed.redis"}},
		},
		Submission: []*labs.SubmissionFile{{File: "prog.py", Apply: labs.ApplyProgram, Service: "app"}},
		Checks: []*labs.CheckDef{
			{Name: "runs", Type: "command", Service: "app", Points: 1, Reveal: true, Timeout: checks.Duration{Duration: programTimeout}, Check: run},
			{Name: "seeded", Type: "redis.key", Service: "cache", Points: 1, Reveal: true, Check: seeded},
			{Name: "hash", Type: "redis.key", Service: "cache", Points: 1, Reveal: true, Check: hash},
		},
	}
	lab.SetFS(files)
	return lab
}

func strp(s string) *string { return &s }

func TestProgramLab(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	lab := programLab()
	env := dockertest.StartLab(t, ctx, d, lab)
	app := env.Session.Service("app")

	grade := func(t *testing.T, prog string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"prog.py": prog}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	// leftovers lists the processes of the program's user still running.
	leftovers := func(t *testing.T) string {
		t.Helper()
		res, err := app.Exec(ctx, []string{"/bin/sh", "-c", `for p in /proc/[0-9]*; do [ "$(stat -c %U $p 2>/dev/null)" = nobody ] && cat $p/cmdline | tr '\0' ' ' && echo; done; true`}, engine.ExecOptions{User: "root"})
		if err != nil {
			t.Fatalf("list processes: %v", err)
		}
		return strings.TrimSpace(res.Stdout)
	}

	t.Run("the program runs as nobody in /app with the lab's env", func(t *testing.T) {
		rep := grade(t, `import os, pwd
assert pwd.getpwuid(os.getuid()).pw_name == "nobody", os.getuid()
assert os.getcwd() == "/app", os.getcwd()
assert os.environ["REDIS_URL"] == "redis://learner:learner@cache:6379/0", os.environ["REDIS_URL"]
st = os.stat("/app/prog.py")
assert st.st_uid == 0 and st.st_mode & 0o222 == 0, oct(st.st_mode)
try:
    open("/app/prog.py", "a")
    raise SystemExit("/app/prog.py is writable")
except PermissionError:
    pass
print("ok")
`)
		if r := rep.Results[0]; r.Status != checks.Pass {
			t.Errorf("runs: %s %s\n%s", r.Status, r.Message, r.Output)
		}
	})

	t.Run("the learner's Redis user cannot flush or configure", func(t *testing.T) {
		rep := grade(t, `import os, redis
r = redis.Redis.from_url(os.environ["REDIS_URL"])
for cmd in (["FLUSHALL"], ["CONFIG", "SET", "maxmemory", "1"], ["KEYS", "*"], ["INFO"]):
    try:
        r.execute_command(*cmd)
        raise SystemExit(cmd[0] + " was allowed")
    except redis.exceptions.NoPermissionError:
        pass
r.delete("greeting")
print("ok")
`)
		got := statuses(rep)
		if got != "runs:pass seeded:fail hash:pass" {
			t.Errorf("got %s\n%+v", got, rep.Results)
		}
	})

	t.Run("reset seeds Redis again and zeroes its counters", func(t *testing.T) {
		rep := grade(t, "print('ok')\n")
		if got := statuses(rep); got != "runs:pass seeded:pass hash:pass" {
			t.Errorf("got %s\n%+v", got, rep.Results)
		}
		if err := env.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		// As `lab shell cache` does: the default user has a password.
		cli, cliEnv, err := env.ShellCommand("cache")
		if err != nil {
			t.Fatal(err)
		}
		res, err := env.Session.Service("cache").Exec(ctx, append(cli, "INFO", "stats"), engine.ExecOptions{Env: cliEnv})
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("INFO: %v %+v", err, res)
		}
		info := res.Stdout
		if !strings.Contains(info, "keyspace_hits:0\r") || !strings.Contains(info, "keyspace_misses:0\r") {
			t.Errorf("counters after reset:\n%s", info)
		}
	})

	hostile := []struct {
		name, prog string
		status     checks.Status
		msg        string
	}{
		{"endless loop", "while True:\n    pass\n", checks.Fail, "did not finish within"},
		{"ignores SIGTERM", "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n", checks.Fail, "did not finish within"},
		{"allocates without bound", "x = []\nwhile True:\n    x.append(bytearray(10 << 20))\n", checks.Fail, "MemoryError"},
		{"prints forever", "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n", checks.Fail, "did not finish within"},
		{"prints 20 MB", "import sys\nfor _ in range(20):\n    sys.stdout.write('x' * (1 << 20))\n", checks.Fail, "was cut"},
		{"fork loop", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n", checks.Fail, "did not finish within"},
		{"leaves a daemon behind", "import subprocess\nsubprocess.Popen(['sh', '-c', \"trap '' TERM HUP; while :; do sleep 1; done\"], start_new_session=True)\nprint('ok')\n", checks.Pass, ""},
	}
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			start := time.Now()
			rep := grade(t, h.prog)
			elapsed := time.Since(start)
			r := rep.Results[0]
			t.Logf("%s in %s: %s %q", h.name, elapsed.Round(time.Millisecond), r.Status, r.Message)
			if r.Status != h.status || !strings.Contains(r.Message, h.msg) {
				t.Errorf("runs: got %s %q, want %s containing %q\n%s", r.Status, r.Message, h.status, h.msg, r.Output)
			}
			// The check's deadline holds: the program is stopped, not
			// waited for. The bound is loose on purpose (a deadline that
			// does not hold runs to the test's timeout), since a loaded
			// machine delays the kill and the reset by seconds: this is
			// not a speed goal, which make bench measures.
			if r.Duration > 2*programTimeout+5*time.Second {
				t.Errorf("the check took %s, its timeout is %s", r.Duration, programTimeout)
			}
			if left := leftovers(t); left != "" {
				t.Errorf("processes left running:\n%s", left)
			}
			if got := statuses(rep); !strings.HasSuffix(got, "seeded:pass hash:pass") {
				t.Errorf("the other checks: %s", got)
			}
		})
	}
}

// statuses renders a report as "check:status …".
func statuses(rep *checks.Report) string {
	var s []string
	for _, r := range rep.Results {
		s = append(s, r.Name+":"+string(r.Status))
	}
	return strings.Join(s, " ")
}

// TestRedisFixtureError: a fixture command Redis refuses is a
// lab-definition error naming the file and the line.
func TestRedisFixtureError(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	files := fstest.MapFS{"bad/bad.redis": {Data: []byte("SET a 1\n\nSET b\n")}}
	lab := &labs.Lab{
		ID: "bad", Dir: "bad",
		Services:   map[string]*labs.Service{"cache": {Kind: "redis", Fixtures: []string{"bad.redis"}}},
		Submission: []*labs.SubmissionFile{},
	}
	lab.SetFS(files)
	env, err := d.StartLab(ctx, lab)
	if err == nil {
		env.Close(ctx)
		t.Fatal("a broken fixture started")
	}
	var fe *runner.FixtureError
	want := "seed cache: fixture bad.redis: line 3: SET: ERR wrong number of arguments for 'set' command"
	if !errors.As(err, &fe) || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// forkHogs forks three children that each take 200 MB: within a
// process's own limit, past the container's 512 MiB together, so that the
// kernel kills one while the container and the parent go on.
const forkHogs = `import os, time
pids = []
for i in range(3):
    pid = os.fork()
    if pid == 0:
        x = b'x' * (200 << 20)
        time.sleep(2)
        os._exit(0)
    pids.append(pid)
codes = [os.waitpid(p, 0)[1] for p in pids]
print('ok' if all(c == 0 for c in codes) else 'lost a worker')
`

// TestProgramOutOfMemory: a program whose processes together pass the
// container's memory loses one to the kernel's OOM killer while the
// container keeps running: a fail of the learner's that names the limit,
// whatever the program printed, or however long it then waited for the
// worker it lost; the next program runs in the same container.
func TestProgramOutOfMemory(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env, grade := startProgramLab(t, ctx, d, programLab())
	const want = "the program used more memory than its container has (512 MiB, for all its processes together): the kernel killed "
	pool := "import multiprocessing as mp\ndef hog(_):\n    x = b'x' * (200 << 20)\n    import time; time.sleep(2)\n    return len(x)\n" +
		"if __name__ == '__main__':\n    with mp.Pool(3) as p:\n        print('ok' if len(p.map(hog, range(3))) == 3 else 'no')\n"
	for _, tt := range []struct{ name, prog, then string }{
		{"forked children", forkHogs, ""},
		{"a pool that waits for a lost worker", pool, "; the program did not finish within "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := env.Session.Service("app").ContainerID
			rep := grade(t, tt.prog)
			r := rep.Results[0]
			if r.Name != "runs" || r.Status != checks.Fail || !strings.HasPrefix(r.Message, want) || !strings.Contains(r.Message, tt.then) {
				t.Errorf("got %s %q, want a fail saying %q…%q", r.Status, r.Message, want, tt.then)
			}
			if rep := grade(t, usesRedis); statuses(rep) != "runs:pass seeded:pass hash:pass" {
				t.Errorf("the next program: %s %+v", statuses(rep), rep.Results)
			}
			if now := env.Session.Service("app").ContainerID; now != id {
				t.Errorf("the runtime's container was replaced (%s → %s): the test did not see a kill inside a running container", id, now)
			}
		})
	}
}
