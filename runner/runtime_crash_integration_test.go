package runner_test

import (
	"context"
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

// crashLab is a lab built in Go whose checks crash the learner's prog.py
// with kill_at: "crash" kills it at its first line starting with
// "crash ", "second" at the second "tick", then each restarts it with
// stdin "again"; "redis" puts a kill point on a Redis service.
func crashLab() *labs.Lab {
	again := "again"
	out1, out2 := "working\ncrash here\nrestarted", "tick 1\ntick 2\nrestarted"
	crash := &checks.Command{Command: []string{"python3", "/app/prog.py"}, Stdin: "first",
		KillAt:  &checks.KillAt{StartsWith: "crash "},
		Restart: &checks.Restart{Stdin: &again}, Stdout: &checks.Match{Equals: &out1}}
	second := &checks.Command{Command: []string{"python3", "/app/prog.py"}, Stdin: "ticks",
		KillAt:  &checks.KillAt{StartsWith: "tick", Count: 2},
		Restart: &checks.Restart{Stdin: &again}, Stdout: &checks.Match{Equals: &out2}}
	onRedis := &checks.Command{Command: []string{"redis-cli", "PING"}, KillAt: &checks.KillAt{StartsWith: "PONG"}}
	def := func(name, service string, c checks.Check) *labs.CheckDef {
		return &labs.CheckDef{Name: name, Type: "command", Service: service, Points: 1, Reveal: true,
			Timeout: checks.Duration{Duration: 20 * time.Second}, Check: c}
	}
	lab := &labs.Lab{
		ID:  "crash",
		Dir: "crash",
		Services: map[string]*labs.Service{
			"app":   {Kind: "runtime"},
			"cache": {Kind: "redis"},
		},
		Submission: []*labs.SubmissionFile{{File: "prog.py", Apply: labs.ApplyProgram, Service: "app"}},
		Checks:     []*labs.CheckDef{def("crash", "app", crash), def("second", "app", second), def("redis", "cache", onRedis)},
	}
	lab.SetFS(fstest.MapFS{})
	return lab
}

// crashProg prints what its stdin asks for. "first": a child process, a
// line, the kill line, then a wait that only the kill ends (with a
// finally that a crash never runs). "ticks": three ticks, a wait after
// the second. "again": what the restart saw.
const crashProg = `import subprocess, sys, time
plan = sys.stdin.read()
if plan == "first":
    subprocess.Popen(["sleep", "60"])
    print("working")
    try:
        print("crash here")
        time.sleep(60)
    finally:
        print("finally ran")
elif plan == "ticks":
    print("tick 1")
    print("tick 2")
    time.sleep(60)
    print("tick 3")
elif plan == "again":
    print("restarted")
else:
    print("ended before the kill point")
`

func TestCrashInjection(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, crashLab())
	grade := func(t *testing.T, prog string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"prog.py": prog}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	result := func(t *testing.T, rep *checks.Report, name string) checks.Result {
		t.Helper()
		for _, r := range rep.Results {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no result %s in %+v", name, rep.Results)
		return checks.Result{}
	}

	t.Run("killed at the line, restarted, both outputs joined", func(t *testing.T) {
		rep := grade(t, crashProg)
		for _, name := range []string{"crash", "second"} {
			if r := result(t, rep, name); r.Status != checks.Pass {
				t.Errorf("%s: %s %s\n%s", name, r.Status, r.Message, r.Output)
			}
		}
	})

	t.Run("a failure shows both runs, and the kill", func(t *testing.T) {
		rep := grade(t, strings.Replace(crashProg, `print("restarted")`, `print("lost")`, 1))
		r := result(t, rep, "crash")
		if r.Status != checks.Fail || !strings.Contains(r.Message, "at line 3, column 1:\n  got:      \"lost\"\n  expected: \"restarted\"") {
			t.Errorf("got %s %q", r.Status, r.Message)
		}
		for _, want := range []string{"before the kill:", "after the restart:", "the grader killed the program (SIGKILL) at its 1st line of output starting with \"crash \""} {
			if !strings.Contains(r.Output, want) {
				t.Errorf("output lacks %q:\n%s", want, r.Output)
			}
		}
		if strings.Contains(r.Output, "finally ran") {
			t.Errorf("a finally ran after SIGKILL:\n%s", r.Output)
		}
	})

	t.Run("no process of the program outlives the crash", func(t *testing.T) {
		grade(t, crashProg)
		res, err := env.Session.Service("app").Exec(ctx, []string{"/bin/sh", "-c",
			`for s in /proc/[0-9]*/status; do grep -q '^Uid:[[:space:]]*65534' $s 2>/dev/null && echo $s; done; true`}, engine.ExecOptions{User: "root"})
		if err != nil {
			t.Fatal(err)
		}
		if out := strings.TrimSpace(res.Stdout); out != "" {
			t.Errorf("processes of nobody left: %s", out)
		}
	})

	t.Run("a program that ends before the kill point fails", func(t *testing.T) {
		rep := grade(t, "import sys\nsys.stdin.read()\nprint('done')\n")
		r := result(t, rep, "crash")
		if r.Status != checks.Fail || !strings.Contains(r.Message, `was to be killed at its 1st line of output starting with "crash ", but it ended first (exit code 0)`) {
			t.Errorf("got %s %q", r.Status, r.Message)
		}
	})

	t.Run("the watcher's marker printed by the program is not a kill", func(t *testing.T) {
		rep := grade(t, "import sys\nsys.stdin.read()\nprint('no crash')\nprint('labrunner-crash: killed', file=sys.stderr)\n")
		if r := result(t, rep, "crash"); r.Status != checks.Fail || !strings.Contains(r.Message, "ended first") {
			t.Errorf("got %s %q", r.Status, r.Message)
		}
	})

	t.Run("kill_at on a service that runs no programs is an error", func(t *testing.T) {
		rep := grade(t, crashProg)
		if r := result(t, rep, "redis"); r.Status != checks.Error || !strings.Contains(r.Message, "kill_at needs a runtime service") {
			t.Errorf("got %s %q", r.Status, r.Message)
		}
	})
}
