package runner_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestBoxStopsWhatAStoppedScriptStarted: a script stopped for its
// deadline or for the disk it used is stopped with everything it
// started, which would otherwise go on writing or forking in the box
// until the box is removed — under the checks that follow, and in a
// learner's box after `lab check`. Protection: the box is restarted
// (keeping its files) when its script is stopped; without that, each
// case below fails.
func TestBoxStopsWhatAStoppedScriptStarted(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	lab := boxLab()
	env := dockertest.StartLab(t, ctx, d, lab)
	// grade applies script with timeout for the whole check; the box is
	// reset beforehand, so that the script has all of it.
	grade := func(t *testing.T, script string, timeout time.Duration) *checks.Report {
		t.Helper()
		if err := env.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		start := time.Now()
		rep, err := env.Check(cctx, runner.Submission{"solution.sh": script}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		t.Logf("graded in %s", time.Since(start).Round(time.Millisecond))
		return rep
	}
	applyMessage := func(t *testing.T, rep *checks.Report, want string) {
		t.Helper()
		if r := rep.Results[0]; r.Name != "apply solution.sh" || r.Status != checks.Fail || !strings.Contains(r.Message, want) {
			t.Errorf("apply: %+v, want a failure saying %q", r, want)
		}
	}
	// processes counts the processes in the box without starting any but
	// the shell that counts: init and its sleep are the two others.
	processes := func(t *testing.T) int {
		t.Helper()
		res, err := env.Session.Service("box").Exec(ctx, []string{"/bin/sh", "-c", `set -- /proc/[0-9]*; echo $#`}, engine.ExecOptions{User: "0"})
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("count processes: %v %+v", err, res)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(res.Stdout))
		return n
	}

	t.Run("a writer and a fork bomb stop at the deadline", func(t *testing.T) {
		rep := grade(t, "( while :; do echo x >> /root/late; sleep 0.1; done ) &\nsleep 0.5\nbomb() { bomb | bomb & }\nbomb\nexec sleep 1000\n", 3*time.Second)
		applyMessage(t, rep, "did not finish within")
		// Under a fork bomb, the count itself could not start.
		if n := processes(t); n > 3 {
			t.Errorf("%d processes in the box after the deadline, want 3", n)
		}
		size := func() string {
			res, _ := env.Session.Service("box").Exec(ctx, []string{"/bin/sh", "-c", "wc -c </root/late"}, engine.ExecOptions{User: "0"})
			return strings.TrimSpace(res.Stdout)
		}
		before := size()
		time.Sleep(500 * time.Millisecond)
		if after := size(); after != before || before == "" {
			t.Errorf("/root/late went from %q to %q bytes after the deadline", before, after)
		}
	})
	t.Run("a writer stops at the disk limit", func(t *testing.T) {
		rep := grade(t, "( i=0; while :; do dd if=/dev/zero of=/f$i bs=1M count=100 2>/dev/null; i=$((i+1)); done ) &\nexec sleep 1000\n", 60*time.Second)
		applyMessage(t, rep, "wrote more than 1024 MiB to the box's disk; it was stopped")
		// The checks ran on the stopped box.
		if rep.Results[1].Status == checks.Error {
			t.Errorf("the checks did not run: %+v", rep.Results[1])
		}
		layer := func() int64 {
			insp, err := d.Client().ContainerInspect(ctx, env.Session.Service("box").ContainerID, client.ContainerInspectOptions{Size: true})
			if err != nil || insp.Container.SizeRw == nil {
				t.Fatalf("inspect the box: %v", err)
			}
			return *insp.Container.SizeRw
		}
		before := layer()
		time.Sleep(500 * time.Millisecond)
		after := layer()
		t.Logf("writable layer: %d MiB", after>>20)
		if after != before || after > 3<<30 {
			t.Errorf("the box's writable layer went from %d to %d MiB after the stop", before>>20, after>>20)
		}
	})
}
