package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner/engine"
)

// indexStatuses reads index.json of out: each submission's status and
// message, and its submitted solution.sql.
func indexStatuses(t *testing.T, out string) map[string]struct{ Status, Message, File string } {
	t.Helper()
	var idx struct {
		Submissions []struct {
			Submission string            `json:"submission"`
			Status     string            `json:"status"`
			Message    string            `json:"message"`
			Files      map[string]string `json:"files"`
		} `json:"submissions"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(out, "index.json")), &idx); err != nil {
		t.Fatal(err)
	}
	m := map[string]struct{ Status, Message, File string }{}
	for _, s := range idx.Submissions {
		m[s.Submission] = struct{ Status, Message, File string }{s.Status, s.Message, s.Files["solution.sql"]}
	}
	return m
}

// TestGradeServiceKilledMidCheck: the Postgres container of a batch is
// killed while a correct submission's query runs. That submission and the
// ones after it are graded again (three times in all), and then are error
// results that say why, never fails; after three in a row the batch stops
// and the rest are errors that say so. It exits 3 and leaves nothing on
// the engine. The next run grades only the errors, and every
// submission passes.
func TestGradeServiceKilledMidCheck(t *testing.T) {
	d := dockertest.Driver(t)
	ref := string(mustRead(t, "../../labs/sql-join/solution/solution.sql"))
	slow := strings.Replace(ref, "FROM customers AS c\n", "FROM customers AS c CROSS JOIN (SELECT pg_sleep(2)) AS z\n", 1)
	if slow == ref {
		t.Fatal("the reference solution has no FROM line to slow down")
	}
	subs := t.TempDir()
	for i := 1; i <= 6; i++ {
		sql := ref
		if i == 3 {
			sql = slow
		}
		writeFile(t, filepath.Join(subs, fmt.Sprintf("%02d", i), "solution.sql"), sql)
	}
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	out := t.TempDir()
	cmd, errOut := startGrade(t, c, "grade", "sql-join", subs, "-j", "1", "--format", "json,csv", "--out", out)
	pid := cmd.Process.Pid
	t.Cleanup(func() { removeSessionsOf(t, d, pid) })
	waitKept(t, out, 2)
	cs, _, err := d.List(context.Background(), fmt.Sprintf("%s=%d", engine.LabelPID, pid))
	if err != nil || len(cs) == 0 {
		t.Fatalf("the batch's containers: %v, %v", cs, err)
	}
	for _, id := range cs {
		if b, err := exec.Command("docker", "kill", id).CombinedOutput(); err != nil {
			t.Fatalf("docker kill %s: %v %s", id, err, b)
		}
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Fatalf("grade: exit %d (%v), want 3 (some results are errors)\n%s", code, err, errOut)
	}
	errors := 0
	for name, s := range indexStatuses(t, out) {
		switch s.Status {
		case "pass":
		case "error":
			errors++
			// Graded three times, or not graded once three in a row
			// had failed: the batch stopped.
			retried := strings.Contains(s.Message, "the environment failed") && strings.Contains(s.Message, "graded 3 times")
			stopped := strings.HasPrefix(s.Message, "not graded: the environment failed 3 submissions in a row")
			if !retried && !stopped {
				t.Errorf("%s: error %q, want the cause and the attempts", name, s.Message)
			}
		default:
			t.Errorf("%s: %s %q; a correct submission the environment failed under is never a fail", name, s.Status, s.Message)
		}
	}
	if errors == 0 || errors > 4 {
		t.Fatalf("%d errors, want the submissions after the kill (1 to 4)\n%s", errors, errOut)
	}
	if n := leftBy(t, d, pid); n > 0 {
		t.Errorf("the batch left %d objects on the engine", n)
	}
	if want := fmt.Sprintf("6 submissions: %d graded, 0 reused, %d errors", 6-errors, errors); !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, errOut)
	}

	_, rerunErr, code := c.run("grade", "sql-join", subs, "-j", "2", "--format", "json,csv", "--out", out)
	if want := fmt.Sprintf("6 submissions: %d graded, %d reused, 0 errors", errors, 6-errors); code != 0 || !strings.Contains(rerunErr, want) {
		t.Errorf("rerun: exit %d, want 0 and %q:\n%s", code, want, rerunErr)
	}
	for name, s := range indexStatuses(t, out) {
		if s.Status != "pass" {
			t.Errorf("after the rerun %s: %s %q, want pass", name, s.Status, s.Message)
		}
	}
}

// TestGradeTwoBatchesAndAChangingFolder: two lab grade processes on one
// engine at once, each with its own --out, do not disturb each other:
// both gradebooks are right. A submission edited while its batch runs is
// graded, and kept, as it was read when the batch began; the next run
// sees the edit and grades that submission only.
func TestGradeTwoBatchesAndAChangingFolder(t *testing.T) {
	d := dockertest.Driver(t)
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	subsA, subsB := smallClass(t), smallClass(t)
	outA, outB := t.TempDir(), t.TempDir()
	original := string(mustRead(t, filepath.Join(subsA, "08-crlf", "solution.sql")))
	wrong := string(mustRead(t, "../../labs/sql-join/wrong/inner-join/solution.sql"))

	cmd, errA := startGrade(t, c, "grade", "sql-join", subsA, "-j", "1", "--format", "json,csv", "--out", outA)
	pid := cmd.Process.Pid
	t.Cleanup(func() { removeSessionsOf(t, d, pid) })
	waitKept(t, outA, 2)
	// A is grading its slow submission: 08-crlf is edited under it, and
	// a second batch runs on the same engine.
	writeFile(t, filepath.Join(subsA, "08-crlf", "solution.sql"), wrong)
	_, errB, codeB := c.run("grade", "sql-join", subsB, "-j", "2", "--format", "json,csv", "--out", outB)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 || codeB != 1 {
		t.Fatalf("exit %d and %d, want 1 and 1 (some fail)\nA:\n%s\nB:\n%s", code, codeB, errA, errB)
	}
	if a, b := string(mustRead(t, filepath.Join(outA, "gradebook.csv"))), string(mustRead(t, filepath.Join(outB, "gradebook.csv"))); a != b {
		t.Errorf("two batches of the same class at once, two gradebooks:\nA\n%s\nB\n%s", a, b)
	}
	s := indexStatuses(t, outA)["08-crlf"]
	if s.Status != "pass" || s.File != original {
		t.Errorf("08-crlf: %s, graded file %q; want pass, graded as read when the batch began", s.Status, s.File)
	}
	if n := leftBy(t, d, pid); n > 0 {
		t.Errorf("batch A left %d objects on the engine", n)
	}

	_, errOut, code := c.run("grade", "sql-join", subsA, "--format", "json,csv", "--out", outA)
	if code != 1 || !strings.Contains(errOut, "8 submissions: 1 graded, 7 reused, 0 errors") {
		t.Errorf("rerun: exit %d, want 1 and only the edited submission graded:\n%s", code, errOut)
	}
	if s := indexStatuses(t, outA)["08-crlf"]; s.Status != "fail" || s.File != wrong {
		t.Errorf("08-crlf after the edit: %s, file %q; want fail, the edited file", s.Status, s.File)
	}
	if _, err := os.Stat(filepath.Join(outA, ".lab-journal", "lock")); err != nil {
		t.Errorf("no lock file: %v", err)
	}
}
