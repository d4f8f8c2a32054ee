package runner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// miniLab is a small SQL lab built in Go, so that the runner's mechanics
// are tested apart from the loader.
func miniLab() *labs.Lab {
	files := fstest.MapFS{
		"mini/schema.sql":  {Data: []byte("CREATE TABLE t (id int PRIMARY KEY, k int, v text);")},
		"mini/seed.sql":    {Data: []byte("INSERT INTO t SELECT g, g % 100, 'v' || g FROM generate_series(1, 20000) g;")},
		"mini/variant.sql": {Data: []byte("INSERT INTO t SELECT g, g % 7, 'w' || g FROM generate_series(1, 50) g;")},
	}
	result := &checks.SQLResult{LearnerQuery: checks.LearnerQuery{QueryFile: "q.sql"}, ExpectedQuery: "SELECT count(*) AS n FROM t WHERE k = 3"}
	plan := &checks.SQLPlan{LearnerQuery: checks.LearnerQuery{Query: "SELECT * FROM t WHERE k = 3"}, Table: "t"}
	index := &checks.SQLIndex{Table: "t", Columns: []string{"k"}}
	lab := &labs.Lab{
		ID:  "mini",
		Dir: "mini",
		Services: map[string]*labs.Service{
			"db": {Kind: "postgres", Fixtures: []string{"schema.sql", "seed.sql"}, Database: "shop"},
		},
		Submission: []*labs.SubmissionFile{
			{File: "q.sql", Apply: labs.ApplyQuery, Service: "db"},
			{File: "index.sql", Apply: labs.ApplySQL, Service: "db"},
		},
		Variants: []*labs.Variant{{Name: "small", Service: "db", Fixtures: []string{"schema.sql", "variant.sql"}}},
		Checks: []*labs.CheckDef{
			{Name: "result", Type: "sql.result", Service: "db", Points: 2, Reveal: true, Check: result},
			{Name: "index", Type: "sql.index", Service: "db", Points: 1, Reveal: true, Check: index},
			{Name: "plan", Type: "sql.plan", Service: "db", Points: 1, Reveal: true, Needs: []string{"index"}, Check: plan},
		},
		Hints: []*labs.Hint{{Text: "count the rows of t where k = 3", Check: "result"}},
	}
	lab.SetFS(files)
	return lab
}

func TestLabCheck(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := miniLab()
	env := dockertest.StartLab(t, ctx, d, lab)
	if u := env.LearnerURL("db"); !strings.HasPrefix(u, "postgres://learner:learner@127.0.0.1:") || !strings.HasSuffix(u, "/shop") {
		t.Errorf("learner URL = %q", u)
	}

	grade := func(t *testing.T, sub runner.Submission) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, sub, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	statuses := func(rep *checks.Report) string {
		var s []string
		for _, r := range rep.Results {
			s = append(s, r.Name+"="+string(r.Status))
		}
		return strings.Join(s, " ")
	}

	t.Run("correct submission passes", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3;", "index.sql": "CREATE INDEX ON t (k);"})
		if got := statuses(rep); got != "result=pass index=pass plan=pass" || rep.Score != 4 {
			t.Errorf("got %s score %d/%d: %+v", got, rep.Score, rep.MaxScore, rep.Results)
		}
	})
	t.Run("hard-coded answer fails on the variant", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT 200::bigint AS n", "index.sql": ""})
		r := rep.Results[0]
		if r.Status != checks.Fail || !strings.Contains(r.Message, `hidden data set ("small")`) {
			t.Errorf("got %+v", r)
		}
		if r.Hint != "count the rows of t where k = 3" {
			t.Errorf("hint = %q", r.Hint)
		}
	})
	t.Run("no index: index fails and plan is skipped", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": "CREATE INDEX ON t (v);"})
		if got := statuses(rep); got != "result=pass index=fail plan=skip" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("reset undoes the previous submission", func(t *testing.T) {
		// The previous subtest's index on v must be gone: apply nothing.
		rep := grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": "-- nothing"})
		if !strings.Contains(rep.Results[1].Message, "indexes found: t_pkey (id)") {
			t.Errorf("index message = %q", rep.Results[1].Message)
		}
	})
	t.Run("script error names the line", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT 1", "index.sql": "\n\nCREATE INDX ON t (k);"})
		r := rep.Results[0]
		if r.Name != "apply index.sql" || r.Status != checks.Fail || !strings.Contains(r.Message, "line 3: syntax error") {
			t.Errorf("got %+v", r)
		}
		// Annotations go on the file and the line.
		if r.File != "index.sql" || r.Line != 3 {
			t.Errorf("file, line = %q, %d; want index.sql, 3", r.File, r.Line)
		}
	})
	t.Run("runaway query is cancelled and is a fail", func(t *testing.T) {
		lab.Checks[0].Timeout = checks.Duration{Duration: 1 * time.Second}
		defer func() { lab.Checks[0].Timeout = checks.Duration{} }()
		start := time.Now()
		rep := grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t a, t b, t c", "index.sql": ""})
		// Too slow is the learner's doing: a fail, not an error of the
		// environment, with a sentence that names the limit.
		if r := rep.Results[0]; r.Status != checks.Fail || r.Message != "your query ran past the 1 s limit and was cancelled" {
			t.Errorf("got %+v", r)
		}
		if el := time.Since(start); el > 20*time.Second {
			t.Errorf("took %v", el)
		}
	})
	t.Run("learner cannot drop the database or become superuser", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT 1", "index.sql": "ALTER ROLE learner SUPERUSER;"})
		if r := rep.Results[0]; r.Status != checks.Fail || !strings.Contains(r.Message, "must be superuser") {
			t.Errorf("got %+v", r)
		}
		rep = grade(t, runner.Submission{"q.sql": "SELECT 1", "index.sql": "DROP DATABASE shop__ref;"})
		if r := rep.Results[0]; r.Status != checks.Fail || !strings.Contains(r.Message, "must be owner") {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("a script that commits does not leak into the next check", func(t *testing.T) {
		grade(t, runner.Submission{"q.sql": "SELECT 1", "index.sql": "COMMIT; DELETE FROM t WHERE k = 3; CREATE INDEX ON t (k);"})
		rep := grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": ""})
		if got := statuses(rep); got != "result=pass index=fail plan=skip" {
			t.Errorf("after a committing script: %s", got)
		}
	})
	t.Run("CREATE INDEX CONCURRENTLY works and is undone", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": "CREATE INDEX CONCURRENTLY t_k ON t (k);"})
		if got := statuses(rep); got != "result=pass index=pass plan=pass" {
			t.Errorf("concurrently: %s %+v", got, rep.Results)
		}
		rep = grade(t, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": ""})
		if got := statuses(rep); got != "result=pass index=fail plan=skip" {
			t.Errorf("next check: %s", got)
		}
	})
	t.Run("several statements in a query file", func(t *testing.T) {
		rep := grade(t, runner.Submission{"q.sql": "SELECT 1; SELECT 2;", "index.sql": ""})
		if r := rep.Results[0]; r.Status != checks.Fail || !strings.Contains(r.Message, "one query, not several") {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("attach from another process sees the same lab", func(t *testing.T) {
		env2, err := d.AttachLab(ctx, lab, env.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := env2.Check(ctx, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": "CREATE INDEX ON t (k);"}, runner.CheckOptions{})
		if err != nil || rep.Status != checks.Pass {
			t.Errorf("got %v %+v", err, rep)
		}
	})
}

// TestCheckWhenTheServiceDies: a service that goes away in the middle of a
// check is an environment error, never a grade.
func TestCheckWhenTheServiceDies(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	lab := miniLab()
	lab.Checks[0].Timeout = checks.Duration{Duration: 20 * time.Second}
	env := dockertest.StartLab(t, ctx, d, lab)
	go func() {
		time.Sleep(500 * time.Millisecond)
		d.Client().ContainerKill(context.Background(), env.Session.Service("db").ContainerID, client.ContainerKillOptions{})
	}()
	rep, err := env.Check(ctx, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t, pg_sleep(3) WHERE k = 3", "index.sql": ""}, runner.CheckOptions{})
	var ee *runner.EnvError
	if !errors.As(err, &ee) {
		t.Fatalf("got report %+v, err %v; want an EnvError", rep, err)
	}
	if ee.ExitCode() != 3 {
		t.Errorf("exit code %d", ee.ExitCode())
	}
}
