package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

func newFakeBox(t *testing.T, fixtures map[string]string) (*boxState, *fakeService, *fakeSession) {
	def := &labs.Service{Kind: labs.KindBox, Fixtures: slices.Sorted(maps.Keys(fixtures))}
	tg, svc, sess := fakeTarget(t, "box", def, fixtures)
	svc.state = engine.ContainerState{Running: true}
	old := boxStopSettle
	boxStopSettle = 0
	t.Cleanup(func() { boxStopSettle = old })
	return newBoxState(tg).(*boxState), svc, sess
}

// TestBoxRunScript: the wrapper, the file-size limit (learner scripts
// only), the interpreter of scripts without #!, root in /root, the script
// on stdin with the output cap.
func TestBoxRunScript(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		fixture       bool
		tail          []string
	}{
		{"learner sh", "echo hi\n", false, []string{fmt.Sprint(boxFileSize / 512), "/bin/sh"}},
		{"learner #!", "#!/usr/bin/env python3\nprint(1)\n", false, []string{fmt.Sprint(boxFileSize / 512)}},
		{"fixture sh", "useradd bob\n", true, []string{"-", "/bin/sh", "-e"}},
		{"fixture #!", "#!/bin/bash\nset -u\n", true, []string{"-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, svc, _ := newFakeBox(t, nil)
			if _, err := st.runScript(context.Background(), "dir/solution.sh", tc.content, tc.fixture); err != nil {
				t.Fatal(err)
			}
			if len(svc.calls) != 1 {
				t.Fatalf("%d execs", len(svc.calls))
			}
			c := svc.calls[0]
			want := append([]string{"/bin/sh", "-c", scriptWrapper, "script", "solution.sh"}, tc.tail...)
			if !slices.Equal(c.Cmd, want) {
				t.Errorf("cmd %q\nwant %q", c.Cmd[3:], want[3:])
			}
			if c.Opts.User != "0" || c.Opts.WorkingDir != "/root" || c.Opts.OutputCap != scriptOutputCap || c.Stdin != tc.content {
				t.Errorf("opts %+v stdin %q", c.Opts, c.Stdin)
			}
		})
	}
}

func TestBoxRunScriptOutcomes(t *testing.T) {
	t.Run("wrapper failure is an EnvError", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 125, Stderr: "labrunner: cannot write /run/labrunner/a.sh\n"}, nil))
		_, err := st.runScript(context.Background(), "a.sh", "true", false)
		var ee *EnvError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "run a.sh in box: labrunner: cannot write") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("exit 125 of the script itself", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 125, Stderr: "mine\n"}, nil))
		res, err := st.runScript(context.Background(), "a.sh", "exit 125", false)
		if err != nil || res.ExitCode != 125 {
			t.Errorf("got %+v, %v", res, err)
		}
	})
	t.Run("processes left running restart the box", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 2, Stderr: "oops\n" + leftRunningMarker + "\n"}, nil))
		res, err := st.runScript(context.Background(), "a.sh", ":(){ :|:& };:", false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stderr != "oops\n" || strings.Contains(res.Stderr, leftRunningMarker) {
			t.Errorf("stderr %q", res.Stderr)
		}
		if !slices.Equal(svc.restarts, []string{"KILL"}) {
			t.Errorf("restarts %q", svc.restarts)
		}
	})
	t.Run("no marker, no restart", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 1, Stderr: "oops\n"}, nil))
		st.runScript(context.Background(), "a.sh", "false", false)
		if len(svc.restarts) != 0 {
			t.Errorf("restarts %q", svc.restarts)
		}
	})
	t.Run("paths in messages", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 2,
			Stdout: "/run/labrunner/setup.sh: ok", Stderr: "/run/labrunner/setup.sh: line 3: nope: not found"}, nil))
		res, _ := st.runScript(context.Background(), "work/setup.sh", "nope", false)
		if res.Stdout != "work/setup.sh: ok" || res.Stderr != "work/setup.sh: line 3: nope: not found" {
			t.Errorf("got %q %q", res.Stdout, res.Stderr)
		}
	})
	t.Run("not running", func(t *testing.T) {
		st, _, sess := newFakeBox(t, nil)
		delete(sess.services, "box")
		_, err := st.runScript(context.Background(), "a.sh", "true", false)
		var ee *EnvError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "service box is not running") {
			t.Errorf("got %v", err)
		}
	})
}

func TestBoxApply(t *testing.T) {
	file := &labs.SubmissionFile{File: "solution.sh", Apply: labs.ApplyShell, Service: "box"}
	for _, tc := range []struct {
		name    string
		res     engine.ExecResult
		err     error
		want    string // "" when apply succeeds
		restart bool
		// stopped is the box's state after the script; nil: running.
		stopped *engine.ContainerState
		// gone is set when the wrapper removed the script's file.
		gone bool
	}{
		{name: "success", res: engine.ExecResult{}},
		{name: "non-zero exit", res: engine.ExecResult{ExitCode: 3, Stderr: "a\nb\n"},
			want: "solution.sh exited with status 3:\na\nb"},
		{name: "no output", res: engine.ExecResult{ExitCode: 1},
			want: "solution.sh exited with status 1"},
		{name: "file size limit", res: engine.ExecResult{ExitCode: 153, Stderr: "dd: File too large\n"},
			want: fmt.Sprintf("solution.sh exited with status 153:\ndd: File too large\n(a file in the box may grow to %d MiB at most)", boxFileSize>>20)},
		{name: "signal of file size", res: engine.ExecResult{ExitCode: 153, Stdout: "File size limit exceeded (core dumped)"},
			want: "solution.sh exited with status 153:\nFile size limit exceeded (core dumped)\n(a file in the box may grow to 256 MiB at most)"},
		{name: "deadline", err: context.DeadlineExceeded, want: "solution.sh did not finish within 0s; it was stopped", restart: true},
		{name: "engine failure", err: &EnvError{Err: errors.New("engine gone")}, want: "engine gone"},
		{name: "the script stopped the box", res: engine.ExecResult{ExitCode: 137}, stopped: &engine.ContainerState{}, restart: true,
			want: "your script solution.sh stopped the box (it killed PID 1, the box's first process, as `kill 1` does, which ends every process in the box); a script must leave the box running, so it was started again with the files the script left"},
		{name: "the box stopped under the exec", err: errors.New("exec in box: unexpected EOF"), stopped: &engine.ContainerState{}, restart: true,
			want: "your script solution.sh stopped the box (it killed PID 1, the box's first process, as `kill 1` does, which ends every process in the box); a script must leave the box running, so it was started again with the files the script left"},
		{name: "the box ran out of memory", res: engine.ExecResult{ExitCode: 137}, stopped: &engine.ContainerState{ExitCode: 137, OOMKilled: true}, restart: true,
			want: "solution.sh used up the box's memory (512 MiB), and the box stopped; it was started again with the files the script left"},
		{name: "the script killed its wrapper", res: engine.ExecResult{ExitCode: 137}, restart: true,
			want: "your script solution.sh killed the grader's process that ran it (`kill -9 -1` signals every process in the box, not only those the script started); what it left running was stopped"},
		{name: "the script was killed", res: engine.ExecResult{ExitCode: 137}, gone: true, want: "solution.sh exited with status 137"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, svc, _ := newFakeBox(t, nil)
			st.pristine = true
			svc.exec = append(svc.exec, answer(tc.res, tc.err))
			if tc.stopped != nil {
				svc.state = *tc.stopped
			}
			if tc.gone {
				svc.copyErr = errors.New("no such file")
			}
			err := st.apply(context.Background(), file, "echo", false)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
			if st.pristine {
				t.Error("the box is still pristine after an apply")
			}
			if got := len(svc.restarts) > 0; got != tc.restart {
				t.Errorf("restarts %q", svc.restarts)
			}
		})
	}
	t.Run("disk limit", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		svc.block, svc.disk = true, boxDiskLimit+1
		err := st.apply(context.Background(), file, "yes > /big", false)
		if err == nil || err.Error() != "solution.sh wrote more than 1024 MiB to the box's disk; it was stopped" {
			t.Errorf("got %v", err)
		}
		if !slices.Equal(svc.restarts, []string{"KILL"}) {
			t.Errorf("restarts %q", svc.restarts)
		}
	})
	t.Run("live", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, nil)
		st.pristine = true
		if err := st.apply(context.Background(), file, "echo", true); err != nil || len(svc.calls) != 0 || !st.pristine {
			t.Errorf("live apply: %v, %d execs, pristine %t", err, len(svc.calls), st.pristine)
		}
	})
	t.Run("wrong mode", func(t *testing.T) {
		st, _, _ := newFakeBox(t, nil)
		err := st.apply(context.Background(), &labs.SubmissionFile{File: "x.sql", Apply: labs.ApplySQL}, "", false)
		if err == nil || err.Error() != `apply mode "sql" is not supported on a box service` {
			t.Errorf("got %v", err)
		}
	})
}

func TestBoxSeedAndReset(t *testing.T) {
	fixtures := map[string]string{"f1.sh": "useradd bob\n", "f2.sh": "#!/bin/bash\nmkdir /srv/x\n"}
	t.Run("seed runs the fixtures in order", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, fixtures)
		if err := st.Seed(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(svc.calls) != 2 || svc.calls[0].Stdin != fixtures["f1.sh"] || svc.calls[1].Stdin != fixtures["f2.sh"] {
			t.Fatalf("calls %+v", svc.calls)
		}
		if svc.calls[0].Cmd[5] != "-" || !st.pristine {
			t.Errorf("fixture limited (%q), pristine %t", svc.calls[0].Cmd[5], st.pristine)
		}
	})
	t.Run("a failing fixture stops the seed", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, fixtures)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 1, Stderr: "useradd: exists\n"}, nil))
		err := st.Seed(context.Background())
		var fe *FixtureError
		if !errors.As(err, &fe) || fe.Fixture != "f1.sh" || err.Error() != "seed box: fixture f1.sh: exit status 1:\nuseradd: exists" {
			t.Errorf("got %v", err)
		}
		if len(svc.calls) != 1 || st.pristine {
			t.Errorf("%d calls, pristine %t", len(svc.calls), st.pristine)
		}
	})
	t.Run("a fixture that cannot run is the environment's", func(t *testing.T) {
		st, svc, _ := newFakeBox(t, fixtures)
		svc.exec = append(svc.exec, answer(engine.ExecResult{}, errors.New("exec refused")))
		err := st.Seed(context.Background())
		var ee *EnvError
		if !errors.As(err, &ee) || err.Error() != "seed box: fixture f1.sh: exec refused" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("reset skips a pristine box", func(t *testing.T) {
		st, svc, sess := newFakeBox(t, fixtures)
		st.pristine = true
		if err := st.Reset(context.Background()); err != nil || len(sess.replaced) != 0 || len(svc.calls) != 0 {
			t.Errorf("%v, replaced %d, execs %d", err, len(sess.replaced), len(svc.calls))
		}
	})
	t.Run("reset replaces and seeds again", func(t *testing.T) {
		st, svc, sess := newFakeBox(t, fixtures)
		if err := st.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(sess.replaced) != 1 || sess.replaced[0].Name != "box" || sess.replaced[0].Image != "img" {
			t.Errorf("replaced %+v", sess.replaced)
		}
		if len(svc.calls) != 2 || !st.pristine {
			t.Errorf("%d execs, pristine %t", len(svc.calls), st.pristine)
		}
	})
	t.Run("begin resets unless live", func(t *testing.T) {
		st, _, sess := newFakeBox(t, nil)
		if _, err := st.Begin(context.Background(), runOptions{Live: true}); err != nil || len(sess.replaced) != 0 {
			t.Errorf("live: %v, replaced %d", err, len(sess.replaced))
		}
		run, err := st.Begin(context.Background(), runOptions{})
		if err != nil || len(sess.replaced) != 1 {
			t.Fatalf("%v, replaced %d", err, len(sess.replaced))
		}
		if err := run.Apply(context.Background(), &labs.SubmissionFile{File: "s.sh", Apply: labs.ApplyShell}, "true"); err != nil {
			t.Error(err)
		}
		if st.pristine {
			t.Error("pristine after the run's apply")
		}
	})
}

func TestOutputTail(t *testing.T) {
	many := make([]string, 15)
	for i := range many {
		many[i] = fmt.Sprint("line", i)
	}
	long := strings.Repeat("x", 3000)
	for _, tc := range []struct {
		name string
		res  engine.ExecResult
		want string
	}{
		{"none", engine.ExecResult{Stdout: " \n", Stderr: "\n"}, ""},
		{"stderr first", engine.ExecResult{Stdout: "out", Stderr: "err\n"}, ": err"},
		{"stdout else", engine.ExecResult{Stdout: "out\n\n", Stderr: "  \n"}, ": out"},
		{"last ten lines", engine.ExecResult{Stderr: strings.Join(many, "\n")}, ": …\n" + strings.Join(many[5:], "\n")},
		{"ten lines kept whole", engine.ExecResult{Stderr: strings.Join(many[:10], "\n")}, ": " + strings.Join(many[:10], "\n")},
		{"last 2 KiB", engine.ExecResult{Stderr: long}, ": …\n" + long[:2048]},
		{"truncated drops the cut line", engine.ExecResult{Stderr: "a\nb\ncut in the mid", Truncated: true}, ": a\nb"},
		{"truncated at a line end", engine.ExecResult{Stderr: "a\nb\n", Truncated: true}, ": a\nb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := outputTail(tc.res, ": "); got != tc.want {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}
