//go:build enginefault

package main_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// waitKeptOf waits until the journal of lab in out holds n results.
func waitKeptOf(t *testing.T, out, lab string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		files, _ := filepath.Glob(filepath.Join(out, ".lab-journal", lab, "*.json"))
		if len(files) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d results of %s kept after 2 minutes, want %d", out, len(files), lab, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// These tests stop a Docker engine, so they run on a private one
// (private_engine_test.go) and only with the enginefault build tag:
// scripts/test.sh runs them in a step of their own.
//
//	go test -tags enginefault -count=1 -run TestGradeEngine ./cmd/lab

// TestGradeEngineRestarted: the Docker engine is stopped (SIGTERM, as an
// administrator or systemd does) and started again while a batch grades
// its slow third submission. The batch waits for it, starts its services
// again and grades that submission again: no result is lost, none is an
// error, the gradebook equals an uninterrupted run's, and nothing of the
// batch is left on the engine; the same with fresh containers per
// submission (--isolation container), and for a box lab, whose workers
// have services of their own. The engine then stops for good in the
// middle of a second batch: the submissions still to grade are error
// results that name the cause (never fails), the batch exits 3, the
// journal keeps every result made before, and once the engine is back a
// rerun finishes the class and the stale containers are removed.
func TestGradeEngineRestarted(t *testing.T) {
	e := startPrivateEngine(t, imageOf(t, labs.KindPostgres), imageOf(t, labs.KindBox))
	d := dockertest.Driver(t)
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	subs := smallClass(t)
	whole := t.TempDir()
	if _, errOut, code := c.run("grade", "sql-join", subs, "-j", "1", "--format", "json,csv", "--out", whole); code != 1 {
		t.Fatalf("uninterrupted grade on the private engine: exit %d, want 1\n%s", code, errOut)
	}
	gradebook := string(mustRead(t, filepath.Join(whole, "gradebook.csv")))

	for _, jobs := range []string{"1", "2"} {
		t.Run("restarted, -j "+jobs, func(t *testing.T) { restartedBatch(t, e, d, c, subs, jobs, gradebook) })
	}

	t.Run("restarted, --isolation container", func(t *testing.T) {
		out := t.TempDir()
		cmd, errOut := startGrade(t, c, "grade", "sql-join", subs, "-j", "1", "--isolation", "container", "--format", "json,csv", "--out", out)
		pid := cmd.Process.Pid
		t.Cleanup(func() { removeSessionsOf(t, d, pid) })
		waitKept(t, out, 2)
		e.stop(t)
		e.start(t)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 1 {
			t.Fatalf("grade across an engine restart: exit %d, want 1 (some fail, none is an error)\n%s", code, errOut)
		}
		if got := string(mustRead(t, filepath.Join(out, "gradebook.csv"))); got != gradebook {
			t.Errorf("gradebook across the restart:\n%s\nwant the uninterrupted run's:\n%s", got, gradebook)
		}
		if n := leftBy(t, d, pid); n > 0 {
			t.Errorf("the batch left %d objects on the engine", n)
		}
	})

	t.Run("restarted, services per worker", func(t *testing.T) {
		// A box lab: each worker has its own box, reset between
		// submissions by a swap to a spare prepared meanwhile.
		boxSubs := t.TempDir()
		sol := string(mustRead(t, "../../labs/linux-permissions/solution/solution.sh"))
		for name, sh := range map[string]string{
			"01-reference": sol,
			"02-chmod-777": string(mustRead(t, "../../labs/linux-permissions/wrong/chmod-777/solution.sh")),
			"03-slow":      "sleep 3\n" + sol,
			"04-reference": sol,
			"05-no-setgid": string(mustRead(t, "../../labs/linux-permissions/wrong/no-setgid/solution.sh")),
		} {
			writeFile(t, filepath.Join(boxSubs, name, "solution.sh"), sh)
		}
		boxWhole := t.TempDir()
		if _, errOut, code := c.run("grade", "linux-permissions", boxSubs, "-j", "1", "--format", "json,csv", "--out", boxWhole); code != 1 {
			t.Fatalf("uninterrupted grade: exit %d, want 1\n%s", code, errOut)
		}
		out := t.TempDir()
		cmd, errOut := startGrade(t, c, "grade", "linux-permissions", boxSubs, "-j", "1", "--format", "json,csv", "--out", out)
		pid := cmd.Process.Pid
		t.Cleanup(func() { removeSessionsOf(t, d, pid) })
		waitKeptOf(t, out, "linux-permissions", 2)
		e.stop(t)
		e.start(t)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 1 {
			t.Fatalf("grade across an engine restart: exit %d, want 1 (some fail, none is an error)\n%s", code, errOut)
		}
		want := string(mustRead(t, filepath.Join(boxWhole, "gradebook.csv")))
		if got := string(mustRead(t, filepath.Join(out, "gradebook.csv"))); got != want {
			t.Errorf("gradebook across the restart:\n%s\nwant the uninterrupted run's:\n%s", got, want)
		}
		if n := leftBy(t, d, pid); n > 0 {
			t.Errorf("the batch left %d objects on the engine", n)
		}
	})

	t.Run("gone for good", func(t *testing.T) {
		out := t.TempDir()
		cmd, errOut := startGrade(t, c, "grade", "sql-join", subs, "-j", "1", "--engine-wait", "3s", "--format", "json,csv", "--out", out)
		pid := cmd.Process.Pid
		waitKept(t, out, 2)
		e.stop(t)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 3 {
			t.Fatalf("grade on an engine gone for good: exit %d, want 3 (some results are errors)\n%s", code, errOut)
		}
		uninterrupted := indexStatuses(t, whole)
		errors := 0
		for name, s := range indexStatuses(t, out) {
			switch {
			case s.Status == "error":
				errors++
				if !strings.Contains(s.Message, "the Docker engine went away at ") || !strings.Contains(s.Message, "did not come back within 3s (--engine-wait)") {
					t.Errorf("%s: error %q, want the engine's going away as the cause", name, s.Message)
				}
			case s.Status != uninterrupted[name].Status:
				t.Errorf("%s: %s %q, want %s as in the uninterrupted run (the engine's going away is never a fail)", name, s.Status, s.Message, uninterrupted[name].Status)
			}
		}
		if errors < 1 || errors > 6 {
			t.Fatalf("%d errors, want the submissions from the slow third on (1 to 6)\n%s", errors, errOut)
		}
		if want := fmt.Sprintf("8 submissions: %d graded, 0 reused, %d errors", 8-errors, errors); !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
		// The journal keeps every result made before the engine went.
		for _, name := range []string{"01-reference", "02-count-star"} {
			files, _ := filepath.Glob(filepath.Join(out, ".lab-journal", "sql-join", name+"-*.json"))
			if len(files) != 1 {
				t.Errorf("the journal has %d results of %s, want the one made before the engine went", len(files), name)
			}
		}

		e.start(t)
		_, rerunErr, code := c.run("grade", "sql-join", subs, "-j", "2", "--format", "json,csv", "--out", out)
		if want := fmt.Sprintf("8 submissions: %d graded, %d reused, 0 errors", errors, 8-errors); code != 1 || !strings.Contains(rerunErr, want) {
			t.Errorf("rerun once the engine is back: exit %d, want 1 and %q\n%s", code, want, rerunErr)
		}
		if got := string(mustRead(t, filepath.Join(out, "gradebook.csv"))); got != gradebook {
			t.Errorf("gradebook after the rerun:\n%s\nwant the uninterrupted run's:\n%s", got, gradebook)
		}
		// The batch could not remove its containers from an engine that
		// was gone: the next lab command says so, and lab gc --stale
		// removes them.
		if !strings.Contains(rerunErr, "`lab gc --stale` removes them") {
			t.Errorf("the rerun does not point at the stale containers:\n%s", rerunErr)
		}
		if _, gcErr, code := c.run("gc", "--stale"); code != 0 {
			t.Errorf("lab gc --stale: exit %d\n%s", code, gcErr)
		}
		if n := leftBy(t, d, pid); n > 0 {
			t.Errorf("%d objects of the batch are left on the engine after lab gc --stale", n)
		}
	})
}

// restartedBatch grades subs with -j jobs while the engine is stopped and
// started again, and checks that the class comes out whole.
func restartedBatch(t *testing.T, e *privateEngine, d *runner.Driver, c labCmd, subs, jobs, gradebook string) {
	t.Helper()
	out := t.TempDir()
	cmd, errOut := startGrade(t, c, "grade", "sql-join", subs, "-j", jobs, "--format", "json,csv", "--out", out)
	pid := cmd.Process.Pid
	t.Cleanup(func() { removeSessionsOf(t, d, pid) })
	waitKept(t, out, 2)
	e.stop(t)
	e.start(t)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("grade across an engine restart: exit %d, want 1 (some fail, none is an error)\n%s", code, errOut)
	}
	if want := "8 submissions: 8 graded, 0 reused, 0 errors"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, errOut)
	}
	if got := string(mustRead(t, filepath.Join(out, "gradebook.csv"))); got != gradebook {
		t.Errorf("gradebook across the restart:\n%s\nwant the uninterrupted run's:\n%s", got, gradebook)
	}
	if n := leftBy(t, d, pid); n > 0 {
		t.Errorf("the batch left %d objects on the engine", n)
	}
	_, rerunErr, code := c.run("grade", "sql-join", subs, "--format", "json,csv", "--out", out)
	if want := "8 submissions: 0 graded, 8 reused, 0 errors"; code != 1 || !strings.Contains(rerunErr, want) {
		t.Errorf("rerun: exit %d, want 1 and %q\n%s", code, want, rerunErr)
	}
}
