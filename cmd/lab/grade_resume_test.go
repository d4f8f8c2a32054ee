package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// smallClass writes 8 sql-join submissions, from the lab's reference,
// known-wrong and alternative solutions, graded in name order; the third
// takes a few seconds (its query sleeps, then returns the wrong rows), so
// that a batch can be caught in the middle.
func smallClass(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	read := func(p string) string {
		b, err := os.ReadFile("../../labs/sql-join/" + p + "/solution.sql")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	subs := []struct{ name, sql string }{
		{"01-reference", read("solution")},
		{"02-count-star", read("wrong/count-star")},
		{"03-slow", "SELECT pg_sleep(2)"},
		{"04-hardcoded", read("wrong/hardcoded")},
		{"05-inner-join", read("wrong/inner-join")},
		{"06-no-coalesce", read("wrong/no-coalesce")},
		{"07-cte", read("alternatives/cte-lowercase")},
		{"08-crlf", read("alternatives/subqueries-crlf")},
	}
	for _, s := range subs {
		writeFile(t, filepath.Join(dir, s.name, "solution.sql"), s.sql)
	}
	return dir
}

// kept counts the results in the journal of out.
func kept(out string) int {
	files, _ := filepath.Glob(filepath.Join(out, ".lab-journal", "sql-join", "*.json"))
	return len(files)
}

// startGrade starts the binary with args, as c.run would, and returns it
// running with its standard error.
func startGrade(t *testing.T, c labCmd, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+c.state, "NO_COLOR=1")
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &errOut
}

// waitKept waits until the journal of out holds n results.
func waitKept(t *testing.T, out string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for kept(out) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d results kept after 2 minutes, want %d", out, kept(out), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// removeSessionsOf removes what the lab process pid left on the engine
// (it was killed) and fails the test if anything stays. Only its own
// sessions are removed: other tests' stale ones are theirs.
func removeSessionsOf(t *testing.T, d *runner.Driver, pid int) {
	t.Helper()
	ctx := context.Background()
	stale, err := d.Stale(ctx)
	if err != nil {
		t.Error(err)
	}
	for _, s := range stale {
		if s.PID == pid {
			if err := d.RemoveSession(ctx, s.ID); err != nil {
				t.Error(err)
			}
		}
	}
	if cs, ns, err := d.List(ctx, fmt.Sprintf("%s=%d", engine.LabelPID, pid)); err != nil || len(cs)+len(ns) > 0 {
		t.Errorf("lab process %d left %d containers and %d networks (%v)", pid, len(cs), len(ns), err)
	}
}

// withoutDurations is index.json with its durations zeroed: they are
// the only part of it that differs between two gradings of a class.
func withoutDurations(t *testing.T, path string) string {
	t.Helper()
	return regexp.MustCompile(`"duration_ms": [0-9.e+-]+`).ReplaceAllString(string(mustRead(t, path)), `"duration_ms": 0`)
}

// TestGradeKilledAndRerun: a batch killed with SIGKILL in the middle and
// run again finishes the class: the rerun grades only what the killed
// run had not kept, and its gradebook, index and results.json equal those
// of a run that was never interrupted. While the first run holds its
// --out, a second lab grade on the same folder is refused.
func TestGradeKilledAndRerun(t *testing.T) {
	d := dockertest.Driver(t)
	subs := smallClass(t)
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	whole, resumed := t.TempDir(), t.TempDir()

	_, errOut, code := c.run("grade", "sql-join", subs, "-j", "2", "--format", "json,csv", "--out", whole)
	if code != 1 {
		t.Fatalf("uninterrupted grade: exit %d, want 1\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "8 submissions: 8 graded, 0 reused, 0 errors") {
		t.Errorf("uninterrupted grade: no summary of 8 graded:\n%s", errOut)
	}

	// The run to kill: one at a time, killed once it has kept a result
	// and is grading the slow one.
	cmd, killedErr := startGrade(t, c, "grade", "sql-join", subs, "-j", "1", "--format", "json,csv", "--out", resumed)
	pid := cmd.Process.Pid
	t.Cleanup(func() { removeSessionsOf(t, d, pid) })
	waitKept(t, resumed, 2)
	_, lockedErr, lockedCode := c.run("grade", "sql-join", subs, "--format", "csv", "--out", resumed)
	cmd.Process.Kill()
	cmd.Wait()
	before := kept(resumed)
	if before < 2 || before >= 8 {
		t.Fatalf("the killed run kept %d results, want 2 to 7 (killed in the middle)\n%s", before, killedErr)
	}
	t.Logf("killed with %d of 8 results kept", before)
	want := fmt.Sprintf("another lab grade is writing to %s; wait for it to finish, or give this one another --out", resumed)
	if lockedCode != 2 || !strings.Contains(lockedErr, want) {
		t.Errorf("a second grade on the same --out: exit %d, want 2 and %q\n%s", lockedCode, want, lockedErr)
	}
	if _, err := os.Stat(filepath.Join(resumed, "gradebook.csv")); err == nil {
		t.Error("the killed run wrote a gradebook")
	}

	_, errOut, code = c.run("grade", "sql-join", subs, "-j", "2", "--format", "json,csv", "--out", resumed)
	if code != 1 {
		t.Fatalf("rerun: exit %d, want 1\n%s", code, errOut)
	}
	summary := fmt.Sprintf("8 submissions: %d graded, %d reused, 0 errors", 8-before, before)
	if !strings.Contains(errOut, summary) {
		t.Errorf("rerun: want %q (only the missing ones graded):\n%s", summary, errOut)
	}
	same := func(run string) {
		t.Helper()
		if a, b := string(mustRead(t, filepath.Join(whole, "gradebook.csv"))), string(mustRead(t, filepath.Join(resumed, "gradebook.csv"))); a != b {
			t.Errorf("%s: gradebook differs from the uninterrupted run's:\n%s\nwant\n%s", run, b, a)
		}
		if a, b := withoutDurations(t, filepath.Join(whole, "index.json")), withoutDurations(t, filepath.Join(resumed, "index.json")); a != b {
			t.Errorf("%s: index.json differs from the uninterrupted run's:\n%s\nwant\n%s", run, b, a)
		}
		var idx struct {
			Submissions []struct {
				ResultsFile string `json:"results_file"`
			} `json:"submissions"`
		}
		if err := json.Unmarshal(mustRead(t, filepath.Join(resumed, "index.json")), &idx); err != nil || len(idx.Submissions) != 8 {
			t.Fatalf("%s: index.json: %v, %d submissions, want 8 (none lost, none twice)", run, err, len(idx.Submissions))
		}
		for _, s := range idx.Submissions {
			if a, b := mustRead(t, filepath.Join(whole, s.ResultsFile)), mustRead(t, filepath.Join(resumed, s.ResultsFile)); string(a) != string(b) {
				t.Errorf("%s: %s differs:\n%s\nwant\n%s", run, s.ResultsFile, b, a)
			}
		}
	}
	same("rerun")

	// Once more: nothing changed, nothing graded, the same gradebook.
	_, errOut, code = c.run("grade", "sql-join", subs, "--format", "json,csv", "--out", resumed)
	if code != 1 || !strings.Contains(errOut, "8 submissions: 0 graded, 8 reused, 0 errors") {
		t.Errorf("third run: exit %d, want 1 and all 8 reused:\n%s", code, errOut)
	}
	same("third run")
}
