package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

func newFakeRuntime(t *testing.T) (*runtimeState, *fakeService) {
	tg, svc, _ := fakeTarget(t, "app", &labs.Service{Kind: labs.KindRuntime}, nil)
	return newRuntimeState(tg).(*runtimeState), svc
}

// killCall is killPrograms' command.
var killCall = []string{"/bin/sh", "-c", "kill -9 -1 2>/dev/null; true"}

func TestRuntimeApply(t *testing.T) {
	st, svc := newFakeRuntime(t)
	f := &labs.SubmissionFile{File: "pkg/main.py", Apply: labs.ApplyProgram, Service: "app"}
	if err := st.apply(context.Background(), f, "print(1)\n"); err != nil {
		t.Fatal(err)
	}
	c := svc.calls[0]
	if !slices.Equal(c.Cmd[3:], []string{"labrunner", AppDir, "pkg/main.py"}) || c.Opts.User != "root" || c.Stdin != "print(1)\n" {
		t.Errorf("call %q as %q, stdin %q", c.Cmd[3:], c.Opts.User, c.Stdin)
	}
	for _, part := range []string{`f="$1/$2"`, `cat >"$f.tmp"`, "chmod 0444", `mv -f "$f.tmp" "$f"`} {
		if !strings.Contains(c.Cmd[2], part) {
			t.Errorf("the copy script lacks %q", part)
		}
	}

	svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 1, Stderr: "mkdir: read-only\n"}, nil))
	err := st.apply(context.Background(), f, "x")
	var ee *EnvError
	if !errors.As(err, &ee) || err.Error() != "copy pkg/main.py into app: exit 1: mkdir: read-only" {
		t.Errorf("got %v", err)
	}
	err = st.apply(context.Background(), &labs.SubmissionFile{File: "a.sh", Apply: labs.ApplyShell}, "x")
	if err == nil || err.Error() != `apply mode "shell" is not supported on a runtime service` {
		t.Errorf("got %v", err)
	}
}

func TestRuntimeRun(t *testing.T) {
	t.Run("command, user, env, stdin and limits", func(t *testing.T) {
		st, svc := newFakeRuntime(t)
		svc.exec = append(svc.exec, answer(engine.ExecResult{Stdout: "hi\n"}, nil))
		res, err := st.run(context.Background(), []string{"python3", "main.py"}, checks.ExecOptions{Env: []string{"A=1"}, Stdin: "in"})
		if err != nil || res.Stdout != "hi\n" || res.ExitCode != 0 {
			t.Fatalf("%+v, %v", res, err)
		}
		if len(svc.calls) != 1 {
			t.Fatalf("%d execs: a clean run needs no kill", len(svc.calls))
		}
		c := svc.calls[0]
		if !slices.Equal(c.Cmd[3:], append([]string{"labrunner"}, zygoteCommand([]string{"python3", "main.py"}, ProgramUser)...)) {
			t.Errorf("args %q", c.Cmd[3:])
		}
		// Each run starts with the temp folders emptied of what earlier
		// runs left (a cache kept in /tmp instead of the service).
		want := fmt.Sprintf(memoryCounters+"\n"+`find /tmp /var/tmp /dev/shm -mindepth 1 -user nobody -delete 2>/dev/null; mem before; ulimit -v %d; ulimit -f %d; timeout -k 0.500 10.000 "$@"; rc=$?; kill -9 -1 2>/dev/null; mem after; exit $rc`, programMemory>>10, programFileSize>>9)
		if c.Cmd[2] != want {
			t.Errorf("script %q\nwant %q", c.Cmd[2], want)
		}
		if c.Opts.User != ProgramUser || c.Opts.WorkingDir != AppDir || !slices.Equal(c.Opts.Env, []string{"HOME=/tmp", "A=1"}) || c.Stdin != "in" {
			t.Errorf("opts %+v stdin %q", c.Opts, c.Stdin)
		}
	})
	t.Run("no stdin, other user", func(t *testing.T) {
		st, svc := newFakeRuntime(t)
		st.run(context.Background(), []string{"id"}, checks.ExecOptions{User: "root"})
		if c := svc.calls[0]; c.Opts.User != "root" || c.Opts.Stdin != nil {
			t.Errorf("opts %+v", c.Opts)
		}
	})
	t.Run("the limit keeps a margin of the deadline", func(t *testing.T) {
		st, svc := newFakeRuntime(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		st.run(ctx, []string{"true"}, checks.ExecOptions{})
		var limit float64
		if _, err := fmt.Sscanf(strings.SplitN(svc.calls[0].Cmd[2], "timeout -k 0.500 ", 2)[1], "%f", &limit); err != nil {
			t.Fatal(err)
		}
		if max := (5*time.Second - programMargin).Seconds(); limit > max || limit < max-0.5 {
			t.Errorf("limit %.3f s, want about %.3f", limit, max)
		}
	})
	t.Run("too little time left", func(t *testing.T) {
		st, svc := newFakeRuntime(t)
		ctx, cancel := context.WithTimeout(context.Background(), programMargin)
		defer cancel()
		_, err := st.run(ctx, []string{"true"}, checks.ExecOptions{})
		var pt *ProgramTimeoutError
		if !errors.As(err, &pt) || pt.Limit != 0 || len(svc.calls) != 0 {
			t.Errorf("got %v after %d execs", err, len(svc.calls))
		}
	})
	t.Run("empty command", func(t *testing.T) {
		st, _ := newFakeRuntime(t)
		if _, err := st.run(context.Background(), nil, checks.ExecOptions{}); err == nil || err.Error() != "empty command" {
			t.Errorf("got %v", err)
		}
	})
}

func TestRuntimeRunOutcomes(t *testing.T) {
	const deadline = programMargin + 150*time.Millisecond // a limit of 150 ms
	slow := func(res engine.ExecResult) func(execCall) (engine.ExecResult, error) {
		return func(execCall) (engine.ExecResult, error) { time.Sleep(200 * time.Millisecond); return res, nil }
	}
	for _, tc := range []struct {
		name    string
		answer  func(execCall) (engine.ExecResult, error)
		timeout bool   // a ProgramTimeoutError
		env     string // an EnvError with this message
		stderr  string
		killed  bool
	}{
		{name: "exit 1", answer: answer(engine.ExecResult{ExitCode: 1, Stderr: "boom"}, nil), stderr: "boom"},
		{name: "exit 124 after the limit", answer: slow(engine.ExecResult{ExitCode: 124}), timeout: true, killed: true},
		{name: "exit 137 after the limit", answer: slow(engine.ExecResult{ExitCode: 137}), timeout: true, killed: true},
		{name: "exit 124 before the limit", answer: answer(engine.ExecResult{ExitCode: 124, Stderr: "mine"}, nil), stderr: "mine", killed: true},
		{name: "SIGKILL before the limit", answer: answer(engine.ExecResult{ExitCode: 137, Stderr: "x"}, nil), killed: true,
			stderr: "x\n[lab] the program was killed (SIGKILL); it probably ran out of memory (the limit is 512 MiB)\n"},
		{name: "no timeout(1)", answer: answer(engine.ExecResult{ExitCode: 127, Stderr: "sh: timeout: not found"}, nil),
			env: "run in app: the image has no timeout(1) (coreutils or busybox)", killed: true},
		{name: "program not found", answer: answer(engine.ExecResult{ExitCode: 127, Stderr: "python4: not found"}, nil), stderr: "python4: not found", killed: true},
		{name: "exec deadline", answer: answer(engine.ExecResult{}, context.DeadlineExceeded), timeout: true, killed: true},
		{name: "exec failure", answer: answer(engine.ExecResult{}, errors.New("engine gone")), killed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, svc := newFakeRuntime(t)
			svc.exec = []func(execCall) (engine.ExecResult, error){tc.answer, answer(engine.ExecResult{}, nil)}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			res, err := st.run(ctx, []string{"prog"}, checks.ExecOptions{})
			var pt *ProgramTimeoutError
			var ee *EnvError
			switch {
			case tc.timeout:
				if !errors.As(err, &pt) || !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "the program did not finish within ") {
					t.Errorf("got %v, want a ProgramTimeoutError", err)
				}
			case tc.env != "":
				if !errors.As(err, &ee) || err.Error() != tc.env {
					t.Errorf("got %v, want EnvError %q", err, tc.env)
				}
			case tc.name == "exec failure":
				if err == nil || err.Error() != "engine gone" {
					t.Errorf("got %v", err)
				}
			default:
				if err != nil || res.Stderr != tc.stderr {
					t.Errorf("got %q, %v; want stderr %q", res.Stderr, err, tc.stderr)
				}
			}
			killed := len(svc.calls) == 2 && slices.Equal(svc.calls[1].Cmd, killCall) && svc.calls[1].Opts.User == ProgramUser
			if killed != tc.killed || len(svc.calls) > 2 {
				t.Errorf("killed %t (%d execs), want %t", killed, len(svc.calls), tc.killed)
			}
		})
	}
}

func TestRuntimeSeedAndReset(t *testing.T) {
	st, svc := newFakeRuntime(t)
	if err := st.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	zy := append([]string{"labrunner", AppDir}, zygoteArgs()...)
	if c := svc.calls[0]; !strings.HasPrefix(c.Cmd[2], prepareRuntime+"\n"+startZygote) || !slices.Equal(c.Cmd[3:], zy) || c.Opts.User != "root" {
		t.Errorf("seed ran %q as %q", c.Cmd[3:], c.Opts.User)
	}
	svc.calls = nil
	if err := st.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(svc.calls) != 2 {
		t.Fatalf("%d execs", len(svc.calls))
	}
	if c := svc.calls[0]; c.Opts.User != ProgramUser || !strings.Contains(c.Cmd[2], "kill -9 -1") || !strings.Contains(c.Cmd[2], "-user "+ProgramUser+" -delete") {
		t.Errorf("reset first ran %q as %q", c.Cmd[2], c.Opts.User)
	}
	if c := svc.calls[1]; c.Opts.User != "root" || !strings.HasPrefix(c.Cmd[2], `find "$1" -mindepth 1 -delete; shift`+"\n"+startZygote) || !slices.Equal(c.Cmd[3:], zy) {
		t.Errorf("reset then ran %q as %q", c.Cmd, c.Opts.User)
	}

	svc.exec = append(svc.exec, answer(engine.ExecResult{}, nil), answer(engine.ExecResult{ExitCode: 1, Stderr: "find: busy\n"}, nil))
	svc.calls = nil
	err := st.Reset(context.Background())
	var ee *EnvError
	if !errors.As(err, &ee) || err.Error() != "clean /app in app: exit 1: find: busy" {
		t.Errorf("got %v", err)
	}

	tg, _, _ := fakeTarget(t, "app", &labs.Service{Kind: labs.KindRuntime, Fixtures: []string{"f.sh"}}, nil)
	if err := newRuntimeState(tg).Seed(context.Background()); err == nil || !strings.Contains(err.Error(), "a runtime service takes no fixtures") {
		t.Errorf("fixtures: %v", err)
	}
}

func TestRuntimeBegin(t *testing.T) {
	st, svc := newFakeRuntime(t)
	run, err := st.Begin(context.Background(), runOptions{Live: true})
	if err != nil || len(svc.calls) != 0 {
		t.Fatalf("live begin: %v, %d execs", err, len(svc.calls))
	}
	if _, ok := run.(execRun); !ok {
		t.Fatal("a runtime run does not run commands")
	}
	if _, err := st.Begin(context.Background(), runOptions{}); err != nil || len(svc.calls) != 2 {
		t.Fatalf("begin: %v, %d execs", err, len(svc.calls))
	}
	svc.calls = nil
	svc.exec = append(svc.exec, answer(engine.ExecResult{Stdout: "ok"}, nil))
	res, err := run.(execRun).Exec(context.Background(), []string{"true"}, checks.ExecOptions{})
	if err != nil || res.Stdout != "ok" || svc.calls[0].Opts.WorkingDir != AppDir {
		t.Errorf("exec %+v, %v", res, err)
	}
	if err := run.Apply(context.Background(), &labs.SubmissionFile{File: "m.py", Apply: labs.ApplyProgram}, "x"); err != nil || svc.calls[1].Stdin != "x" {
		t.Errorf("apply: %v", err)
	}
}

// TestRuntimeRunMemory: the memory cgroup's counters around a run tell a
// program that went past its container's memory (the learner's fail,
// with the limit said) from one the machine's memory killed (an
// environment error) and from a plain SIGKILL.
func TestRuntimeRunMemory(t *testing.T) {
	const limitSentence = "the program used more memory than its container has (512 MiB, for all its processes together): the kernel killed 2 of its processes"
	for _, tc := range []struct {
		name   string
		res    engine.ExecResult
		reread string // the counters a shell of its own reads, when asked
		want   string // the error, "" for none
		env    bool
		stderr string
	}{
		{name: "a worker killed at the container's limit", res: engine.ExecResult{ExitCode: 1,
			Stderr: "labrunner-memory: before 2 0 7\nTraceback (most recent call last):\nBrokenProcessPool\nlabrunner-memory: after 2 2 40\n"},
			want: limitSentence, stderr: "Traceback (most recent call last):\nBrokenProcessPool\n"},
		{name: "a program that went on as if nothing happened", res: engine.ExecResult{
			Stderr: "labrunner-memory: before 2 3 7\nlabrunner-memory: after 2 5 8\n"}, want: limitSentence, stderr: ""},
		{name: "killed for the machine's memory", res: engine.ExecResult{ExitCode: 137,
			Stderr: "labrunner-memory: before 2 0 7\nlabrunner-memory: after 2 2 7\n"}, env: true,
			want: "run in app: the kernel killed 2 of the program's processes for the machine's memory, while its container was under its limit"},
		{name: "SIGKILL, nothing killed for memory", res: engine.ExecResult{ExitCode: 137,
			Stderr: "labrunner-memory: before 2 0 0\nx\nlabrunner-memory: after 2 0 0\n"}, stderr: "x\n\n[lab] the program was killed (SIGKILL)\n"},
		{name: "the run's shell killed: counters read again", res: engine.ExecResult{ExitCode: 137,
			Stderr: "labrunner-memory: before 2 1 1\nx\n"}, reread: "labrunner-memory: after 2 3 9\n", want: limitSentence, stderr: "x\n"},
		// cgroup v1 keeps a high-water mark only: at the limit once, the
		// container stays "met".
		{name: "v1: killed at the limit", res: engine.ExecResult{ExitCode: 1,
			Stderr: "labrunner-memory: before 1 0 0\nlabrunner-memory: after 1 2 1\n"}, want: limitSentence, stderr: ""},
		{name: "v1: met in an earlier run", res: engine.ExecResult{ExitCode: 1,
			Stderr: "labrunner-memory: before 1 4 1\nlabrunner-memory: after 1 6 1\n"}, want: limitSentence, stderr: ""},
		{name: "v1: killed under the limit", res: engine.ExecResult{ExitCode: 137,
			Stderr: "labrunner-memory: before 1 0 0\nlabrunner-memory: after 1 2 0\n"}, env: true,
			want: "run in app: the kernel killed 2 of the program's processes for the machine's memory, while its container was under its limit"},
		{name: "no memory cgroup", res: engine.ExecResult{ExitCode: 1,
			Stderr: "labrunner-memory: before - - -\nboom\nlabrunner-memory: after - - -\n"}, stderr: "boom\n"},
		{name: "a marker of the program's own is not ours", res: engine.ExecResult{ExitCode: 1,
			Stderr: "labrunner-memory: before 2 0 0\nlabrunner-memory: later 2 9 9\nlabrunner-memory: after 2 0 0\n"}, stderr: "labrunner-memory: later 2 9 9\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, svc := newFakeRuntime(t)
			svc.exec = []func(execCall) (engine.ExecResult, error){answer(tc.res, nil), func(c execCall) (engine.ExecResult, error) {
				if c.Opts.User == "root" {
					return engine.ExecResult{Stderr: tc.reread}, nil
				}
				return engine.ExecResult{}, nil
			}}
			res, err := st.run(context.Background(), []string{"prog"}, checks.ExecOptions{})
			var ee *EnvError
			var pm *ProgramMemoryError
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("got %v\nwant %s", err, tc.want)
			case tc.env && !errors.As(err, &ee):
				t.Errorf("got %T, want an EnvError", err)
			case tc.want != "" && !tc.env && (!errors.As(err, &pm) || errors.As(err, &ee)):
				t.Errorf("got %T, want a ProgramMemoryError, the learner's", err)
			}
			if res.Stderr != tc.stderr {
				t.Errorf("stderr %q, want %q", res.Stderr, tc.stderr)
			}
		})
	}
}
