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

// TestSQLConcurrentSessions: sql.concurrent on a real Postgres (the
// bundled sql-isolation, whose checks run the learner's off_call.sql from
// eight sessions). The sessions are the learner's role, not a superuser;
// each statement of the file gets the arguments it uses; a file that
// ends the grader's transaction fails saying so; and a submission whose
// calls wait for ever (a session-level advisory lock it never releases)
// fails at the check's deadline, naming the stuck sessions, and leaves
// the lab usable: the reference passes right after it.
func TestSQLConcurrentSessions(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	lab := bundledLab(t, "sql-isolation")
	// Deadlines shorter than the lab's, so that the stuck calls end
	// sooner, and long enough for a loaded machine.
	for _, c := range lab.Checks {
		c.Timeout = checks.Duration{Duration: 15 * time.Second}
	}
	env := dockertest.StartLab(t, ctx, d, lab)
	grade := func(t *testing.T, file string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"off_call.sql": file}, runner.CheckOptions{Name: t.Name()})
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
		t.Fatalf("no result %s in %s", name, statuses(rep))
		return checks.Result{}
	}
	b, err := os.ReadFile("../labs/sql-isolation/solution/off_call.sql")
	if err != nil {
		t.Fatal(err)
	}
	solution := string(b)

	t.Run("the learner's role", func(t *testing.T) {
		// A superuser, or a session that SET ROLE to the learner, fails
		// every call with an error outside the check's allow list.
		probe := `DO $$ BEGIN
		  IF current_user <> session_user OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
		    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'not the learner: ' || session_user;
		  END IF;
		END $$;
		` + solution
		if rep := grade(t, probe); rep.Status != checks.Pass {
			t.Fatalf("%s %s", statuses(rep), messages(rep))
		}
	})

	t.Run("each statement gets the arguments it uses", func(t *testing.T) {
		// The first statement uses no argument, the second only $1.
		file := "SELECT 1;\n" + solution
		if rep := grade(t, file); rep.Status != checks.Pass {
			t.Fatalf("%s %s", statuses(rep), messages(rep))
		}
	})

	t.Run("a file that commits", func(t *testing.T) {
		rep := grade(t, solution+"\nCOMMIT;\n")
		r := result(t, rep, "goes-off-call")
		want := "statement 3 of off_call.sql is COMMIT: leave out BEGIN, COMMIT and ROLLBACK"
		if r.Status != checks.Fail || !strings.Contains(r.Message, want) {
			t.Fatalf("got %s %q, want a fail with %q", r.Status, r.Message, want)
		}
	})

	t.Run("calls that wait for ever", func(t *testing.T) {
		// Alone, a session takes its own lock again; at once, the
		// second session waits for the first's, which it never lets go.
		stuck := "SELECT pg_advisory_lock(42);\n" + solution
		rep := grade(t, stuck)
		for _, name := range []string{"goes-off-call", "last-one-stays"} {
			if r := result(t, rep, name); r.Status != checks.Pass {
				t.Errorf("%s: %s %s", name, r.Status, r.Message)
			}
		}
		for _, name := range []string{"two-at-once", "all-at-once"} {
			r := result(t, rep, name)
			want := "7 of 8 sessions were still in a call at the 15 s limit and were stopped"
			if r.Status != checks.Fail || !strings.Contains(r.Message, want) {
				t.Errorf("%s: got %s %q, want a fail with %q", name, r.Status, r.Message, want)
			}
		}
		if rep := grade(t, solution); rep.Status != checks.Pass {
			t.Fatalf("the solution after the stuck calls: %s %s", statuses(rep), messages(rep))
		}
	})
}
