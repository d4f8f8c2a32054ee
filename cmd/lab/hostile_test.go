package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
)

// TestHostileSQLSubmissions grades a batch of hostile submissions of the
// sql-index lab (whose solution.sql runs as a script): each gets a fail or
// an error with a clear message within its deadline, the batch goes on,
// a correct submission graded among them still passes, and nothing is left.
func TestHostileSQLSubmissions(t *testing.T) {
	dockertest.Driver(t)
	good, err := os.ReadFile("../../labs/sql-index/solution/solution.sql")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, sql string
		status    string
		message   string // in some test's message, or the run's
	}{
		{"sleep-forever", "SELECT pg_sleep(100000);", "fail", "did not finish"},
		{"no-statement-timeout", "SET statement_timeout = 0; SELECT count(*) FROM events a, events b;", "fail", "did not finish"},
		{"drop-schema", "DROP SCHEMA public CASCADE;", "fail", ""},
		{"drop-database", "DROP DATABASE activity__ref;", "fail", "must be owner"},
		{"become-superuser", "ALTER ROLE learner SUPERUSER;", "fail", "must be superuser"},
		{"copy-to-program", "COPY (SELECT 1) TO PROGRAM 'id';", "fail", "pg_execute_server_program"},
		{"write-server-file", "COPY (SELECT 1) TO '/tmp/owned';", "fail", "pg_write_server_files"},
		{"commit-and-delete", "COMMIT; DELETE FROM events;", "fail", ""},
		{"good-after-the-others", string(good), "pass", ""},
	}
	subs := t.TempDir()
	for _, c := range cases {
		writeFile(t, filepath.Join(subs, c.name, "solution.sql"), c.sql)
	}
	// A 100 MB solution file is not read, let alone run.
	big := filepath.Join(subs, "huge", "solution.sql")
	writeFile(t, big, "")
	if err := os.Truncate(big, 100<<20); err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	start := time.Now()
	// The deadline is far below the default (2m) so that the hung ones
	// end soon, but leaves the good submission (about 2 s alone) room
	// when this package runs beside the others on 2 cores: at 8 s it was
	// cut off under that load, a verdict of the machine, not of the code.
	_, errOut, code := c.run("grade", "sql-index", subs, "-j", "2", "--deadline", "20s", "--format", "json", "--out", out)
	elapsed := time.Since(start)
	if code != 1 {
		t.Fatalf("grade: exit %d, want 1\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "huge: solution.sql is larger than 1024 KiB and is not graded") {
		t.Errorf("the 100 MB file is not reported:\n%s", errOut)
	}
	got, graded := readGraded(t, out)
	for _, want := range cases {
		s, ok := got[want.name]
		if !ok {
			t.Errorf("%s: not graded", want.name)
			continue
		}
		msgs := s.messages()
		if s.Status != want.status {
			t.Errorf("%s: status %s, want %s\n%s", want.name, s.Status, want.status, msgs)
		}
		if want.message != "" && !strings.Contains(msgs, want.message) {
			t.Errorf("%s: no %q in the messages:\n%s", want.name, want.message, msgs)
		}
	}
	if s := got["huge"]; s.Status != "fail" {
		t.Errorf("huge: status %s", s.Status)
	}
	t.Logf("graded %d hostile submissions in %s", len(graded), elapsed.Round(time.Millisecond))
}

// TestHostileQueries: query files that return millions of rows or modify
// data in a CTE are graded (fail) and leave the data as it was for the
// submission graded next on the same worker.
func TestHostileQueries(t *testing.T) {
	dockertest.Driver(t)
	good, err := os.ReadFile("../../labs/sql-join/solution/solution.sql")
	if err != nil {
		t.Fatal(err)
	}
	subs := t.TempDir()
	writeFile(t, filepath.Join(subs, "a-million-rows", "solution.sql"), "SELECT g AS name, g AS orders, g AS total_spent FROM generate_series(1, 3000000) g")
	writeFile(t, filepath.Join(subs, "b-delete-in-cte", "solution.sql"), "WITH gone AS (DELETE FROM orders RETURNING *) SELECT name, 0 AS orders, 0 AS total_spent FROM customers")
	writeFile(t, filepath.Join(subs, "c-good", "solution.sql"), string(good))
	out := t.TempDir()
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	// One worker: the good submission runs on the databases the others had.
	_, errOut, code := c.run("grade", "sql-join", subs, "-j", "1", "--format", "json", "--out", out)
	if code != 1 {
		t.Fatalf("grade: exit %d\n%s", code, errOut)
	}
	b := string(mustRead(t, filepath.Join(out, "index.json")))
	if !strings.Contains(b, "more than 100000 rows") {
		t.Errorf("the million rows are not reported:\n%s", b)
	}
	var doc struct {
		Submissions []struct{ Submission, Status string } `json:"submissions"`
	}
	json.Unmarshal([]byte(b), &doc)
	want := map[string]string{"a-million-rows": "fail", "b-delete-in-cte": "fail", "c-good": "pass"}
	for _, s := range doc.Submissions {
		if want[s.Submission] != s.Status {
			t.Errorf("%s: %s, want %s", s.Submission, s.Status, want[s.Submission])
		}
	}
}
