package runner_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
)

// TestSQLBehaviourChecks: sql.rejects and the setup statements of
// sql.assert on a real Postgres (the bundled sql-schema and sql-trigger):
// a refusal is told by its SQLSTATE, a missing table is not a constraint,
// and the rows the checks insert, update and delete do not reach the next
// grading — the solution passes twice in a row, and after a wrong design
// whose accepted rows stayed for the rest of its own run.
func TestSQLBehaviourChecks(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	for _, id := range []string{"sql-schema", "sql-trigger"} {
		t.Run(id, func(t *testing.T) {
			lab := bundledLab(t, id)
			env := dockertest.StartLab(t, ctx, d, lab)
			file := lab.Submission[0].File
			read := func(dir string) string {
				t.Helper()
				b, err := os.ReadFile("../labs/" + id + "/" + dir + "/" + file)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			grade := func(t *testing.T, dir string) *checks.Report {
				t.Helper()
				rep, err := env.Check(ctx, runner.Submission{file: read(dir)}, runner.CheckOptions{Name: t.Name()})
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return rep
			}
			for _, w := range lab.Wrong {
				t.Run(w.Name, func(t *testing.T) {
					for i := 0; i < 2; i++ {
						if rep := grade(t, "solution"); rep.Status != checks.Pass {
							t.Fatalf("the solution, run %d: %s %s", i+1, statuses(rep), messages(rep))
						}
					}
					rep := grade(t, "wrong/"+w.Name)
					var failed []string
					for _, r := range rep.Results {
						if r.Status == checks.Fail {
							failed = append(failed, r.Name)
						}
					}
					if strings.Join(failed, ",") != strings.Join(w.Fails, ",") {
						t.Errorf("failed %v, want %v: %s", failed, w.Fails, messages(rep))
					}
				})
			}
		})
	}
	t.Run("messages name the SQLSTATE", func(t *testing.T) {
		env := dockertest.StartLab(t, ctx, d, bundledLab(t, "sql-schema"))
		grade := func(t *testing.T, script string) map[string]string {
			t.Helper()
			rep, err := env.Check(ctx, runner.Submission{"schema.sql": script}, runner.CheckOptions{Name: t.Name()})
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			out := map[string]string{}
			for _, r := range rep.Results {
				out[r.Name] = string(r.Status) + ": " + r.Message
			}
			return out
		}
		got := grade(t, "CREATE TABLE books (isbn text PRIMARY KEY, title text NOT NULL, copies integer NOT NULL);")
		for name, want := range map[string]string{
			"copies-not-negative": "fail: statement 1 was accepted; it must be refused with SQLSTATE 23 (integrity constraint violation)",
			"required-values":     `fail: statement 1 was refused with SQLSTATE 42P01 (class 42: syntax error or access rule violation), not 23 (integrity constraint violation): INSERT INTO members (id, email, name) VALUES (10, NULL, 'No Mail'): line 1: relation "members" does not exist`,
			"accepts-valid-rows":  `fail: setup statement 1 failed: INSERT INTO members`,
		} {
			if !strings.HasPrefix(got[name], want) {
				t.Errorf("%s = %q, want it to start with %q", name, got[name], want)
			}
		}
		// A delete refused with another code of class 23 than the check names.
		got = grade(t, strings.Replace(schemaSolution(t), "REFERENCES members (id),", "REFERENCES members (id) ON DELETE SET NULL,", 1))
		if want := "fail: statement 1 was refused with SQLSTATE 23502 (not_null_violation), not 23503 (foreign_key_violation)"; !strings.HasPrefix(got["loaned-rows-kept"], want) {
			t.Errorf("loaned-rows-kept = %q, want it to start with %q", got["loaned-rows-kept"], want)
		}
	})
}

// schemaSolution returns the reference schema of sql-schema.
func schemaSolution(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../labs/sql-schema/solution/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
