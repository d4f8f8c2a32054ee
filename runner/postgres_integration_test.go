package runner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// sqlIndexSolution is the reference solution of sql-index.
const sqlIndexSolution = "CREATE INDEX events_user_id_created_at_idx ON events (user_id, created_at DESC);\n"

// TestPostgresScriptsRunAsPsql: a learner's file runs the way psql runs
// it: statement by statement, a byte-order mark skipped, statements that
// cannot run in a transaction block run outside it, and the next check
// still starts from the pristine data.
func TestPostgresScriptsRunAsPsql(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, miniLab())
	grade := func(t *testing.T, script string) string {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"q.sql": "SELECT count(*) AS n FROM t WHERE k = 3", "index.sql": script}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return statuses(rep) + " " + messages(rep)
	}
	const pass = "result:pass index:pass plan:pass"
	for _, tt := range []struct{ name, script string }{
		{"VACUUM after CREATE INDEX", "CREATE INDEX t_k ON t (k);\nVACUUM ANALYZE t;\n"},
		{"CONCURRENTLY then ANALYZE", "CREATE INDEX CONCURRENTLY t_k ON t (k);\nANALYZE t;"},
		{"a byte-order mark", "\uFEFFCREATE INDEX ON t (k);"},
		{"a procedure that commits", "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$BEGIN CREATE INDEX ON t (k); COMMIT; END$$;\nCALL p();"},
		{"a BEGIN ATOMIC function", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nCREATE INDEX ON t (k);"},
		{"quotes and comments", "/* a; /* nested; */ */ CREATE INDEX \"t;k\" ON t (k); -- done;\nSELECT E'\\';', $x$;$x$;"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := grade(t, tt.script); !strings.HasPrefix(got, pass) {
				t.Errorf("got %s", got)
			}
			// The next check starts from the seeded state.
			if got := grade(t, ""); !strings.HasPrefix(got, "result:pass index:fail plan:skip") {
				t.Errorf("next check: %s", got)
			}
		})
	}
	t.Run("an error outside the transaction says how the file ran", func(t *testing.T) {
		got := grade(t, "CREATE INDEX t_k ON t (k);\nVACUUM t;\n\nCREATE INDX oops;")
		if !strings.Contains(got, "line 4: syntax error") || !strings.Contains(got, `because "VACUUM t" cannot run inside a transaction block`) {
			t.Errorf("got %s", got)
		}
	})
	t.Run("commit then begin is seen", func(t *testing.T) {
		grade(t, "COMMIT; DELETE FROM t WHERE k = 3; BEGIN;")
		if got := grade(t, ""); !strings.HasPrefix(got, "result:pass") {
			t.Errorf("after COMMIT … BEGIN: %s", got)
		}
	})
}

func messages(rep *checks.Report) string {
	var s []string
	for _, r := range rep.Results {
		if r.Status != checks.Pass && r.Status != checks.Skip {
			s = append(s, r.Name+": "+r.Message)
		}
	}
	return strings.Join(s, "; ")
}

// poisoners are submissions of sql-index that try to set the grader's
// state or the next submission's.
var poisoners = []struct{ name, script string }{
	// An index on created_at serves the ORDER BY but not the lookup:
	// with costs zeroed, the planner walks it all and calls that cheap.
	{"planner settings", zeroCosts("SET ") + "CREATE INDEX ON events (created_at);"},
	{"set_config and SET LOCAL", "SELECT set_config('enable_seqscan', 'off', false), set_config('random_page_cost', '0', false);\n" + zeroCosts("SET LOCAL ") + "CREATE INDEX ON events (created_at);"},
	{"search path to an indexed copy", "CREATE SCHEMA x; CREATE TABLE x.events (LIKE public.events INCLUDING ALL); INSERT INTO x.events SELECT * FROM public.events;\n" +
		"CREATE INDEX ON x.events (user_id, created_at DESC); ANALYZE x.events;\nSET search_path = x, public;"},
	{"a temporary copy", "CREATE TEMP TABLE events (LIKE public.events INCLUDING ALL); INSERT INTO events SELECT * FROM public.events;\n" +
		"CREATE INDEX ON events (user_id, created_at DESC); ANALYZE events;"},
	{"role and database settings", "CREATE INDEX ON events (created_at);\nALTER ROLE CURRENT_USER SET enable_seqscan = off;\nALTER ROLE CURRENT_USER SET random_page_cost = 0;\n" +
		"DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET cpu_operator_cost = 0', current_database()); END$$;\nCOMMIT;\n" + zeroCosts("SET ")},
	{"role's search path, committed", "COMMIT; CREATE SCHEMA x; ALTER ROLE CURRENT_USER SET search_path = x; BEGIN;"},
	{"a table in public, committed", "COMMIT; CREATE TABLE public.junk (id int); ALTER TABLE events RENAME TO events_old; BEGIN;"},
	{"row security", "ALTER TABLE events ENABLE ROW LEVEL SECURITY; ALTER TABLE events FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON events USING (user_id = 4242);\nCREATE INDEX ON events (created_at);"},
}

// zeroCosts tells the planner that every plan without a sequential scan
// is free.
func zeroCosts(set string) string {
	var b strings.Builder
	for _, s := range []string{"enable_seqscan = off", "enable_bitmapscan = off", "seq_page_cost = 0", "random_page_cost = 0",
		"cpu_tuple_cost = 0", "cpu_index_tuple_cost = 0", "cpu_operator_cost = 0"} {
		b.WriteString(set + s + ";\n")
	}
	return b.String()
}

// TestPostgresGraderState: no state a submission sets reaches the
// grader's queries and EXPLAINs: a useless index does not pass uses-index
// however the planner was told to like it.
func TestPostgresGraderState(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, bundledLab(t, "sql-index"))
	grade := func(t *testing.T, script string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"solution.sql": script}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	for _, p := range poisoners {
		t.Run(p.name, func(t *testing.T) {
			rep := grade(t, p.script)
			t.Logf("%s %s", statuses(rep), messages(rep))
			for _, r := range rep.Results {
				if r.Name == "uses-index" && r.Status == checks.Pass {
					t.Errorf("uses-index passed: %s", statuses(rep))
				}
			}
			if rep := grade(t, sqlIndexSolution); rep.Status != checks.Pass {
				t.Errorf("the solution after it: %s %s", statuses(rep), messages(rep))
			}
		})
	}
}

// TestPostgresHostileNeighbour: in one shared batch, poisoning
// submissions (settings of the role and the databases, the search path,
// tables in public, a script that fills the disk) come first, on every
// worker, then correct ones on the same workers and alongside: every
// correct one passes, and a filler fails with its quota, not the
// environment's error.
func TestPostgresHostileNeighbour(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	lab := bundledLab(t, "sql-index")
	fillers := []struct{ name, script string }{
		{"fills the disk with a new table", "CREATE TABLE junk AS SELECT g, repeat('x', 2000) AS pad FROM generate_series(1, 5000000) g;"},
		{"fills the disk through events", "INSERT INTO events SELECT id + 300000 * g, user_id, kind, created_at, repeat('x', 1500) FROM events, generate_series(1, 20) g;"},
		{"fills temporary files", "SELECT count(*) FROM (SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 10000000) g ORDER BY pad, g DESC) s;"},
	}
	var entries []runner.Entry
	for _, p := range poisoners {
		entries = append(entries, runner.Entry{Name: "poison: " + p.name, Files: runner.Submission{"solution.sql": p.script}})
	}
	for _, f := range fillers {
		entries = append(entries, runner.Entry{Name: "filler: " + f.name, Files: runner.Submission{"solution.sql": f.script}})
	}
	// Interleave: correct submissions after every poisoner, so that each
	// worker grades some right after one, and others run alongside.
	var batch []runner.Entry
	n := 0
	for _, e := range entries {
		batch = append(batch, e)
		for range 2 {
			n++
			batch = append(batch, runner.Entry{Name: fmt.Sprintf("correct %d", n), Files: runner.Submission{"solution.sql": sqlIndexSolution}})
		}
	}
	reports, err := d.GradeBatch(ctx, lab, batch, runner.BatchOptions{Jobs: 3, Deadline: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reports {
		switch {
		case strings.HasPrefix(rep.Submission, "correct"):
			if rep.Status != checks.Pass {
				t.Errorf("%s: %s %s %s", rep.Submission, rep.Status, statuses(&rep), rep.Message+messages(&rep))
			}
		case strings.HasPrefix(rep.Submission, "filler"):
			if rep.Status == checks.Error || rep.Status == checks.Pass {
				t.Errorf("%s: %s %s %s", rep.Submission, rep.Status, rep.Message, messages(&rep))
			}
			t.Logf("%s: %s", rep.Submission, messages(&rep))
		}
	}
}

// TestPostgresEnvFailureIsRetried: the server ending the learners'
// sessions under them (an administrator's shutdown, a crash) is the
// environment's failure: never a fail, and a batch grades the submission
// again, so every correct one passes.
func TestPostgresEnvFailureIsRetried(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// A lab id of its own, so that only this test's server is found by
	// its label, never another run's of sql-index.
	copied := *bundledLab(t, "sql-index")
	lab := &copied
	lab.ID = fmt.Sprintf("pg-env-retry-%d", time.Now().UnixNano()%1e6)
	slow := sqlIndexSolution + "SELECT pg_sleep(0.3);\n"
	var batch []runner.Entry
	for i := range 8 {
		batch = append(batch, runner.Entry{Name: fmt.Sprintf("correct %d", i), Files: runner.Submission{"solution.sql": slow}})
	}
	// While the batch runs, end every learner session now and then.
	killed := make(chan int, 1)
	stop := make(chan struct{})
	go func() {
		n := 0
		defer func() { killed <- n }()
		var su *pgx.Conn
		for {
			select {
			case <-stop:
				if su != nil {
					su.Close(context.Background())
				}
				return
			case <-time.After(100 * time.Millisecond):
			}
			if su == nil {
				su = postgresOfLab(ctx, d, lab.ID)
				continue
			}
			var k int
			if err := su.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename LIKE 'lab_s_%' AND state = 'active' AND query LIKE '%pg_sleep%'").Scan(&k); err == nil {
				n += k
			}
			if n >= 3 {
				<-stop
				su.Close(context.Background())
				return
			}
		}
	}()
	reports, err := d.GradeBatch(ctx, lab, batch, runner.BatchOptions{Jobs: 2})
	close(stop)
	if n := <-killed; n == 0 {
		t.Fatal("no session was ended: the test proves nothing")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reports {
		if rep.Status != checks.Pass {
			t.Errorf("%s: %s %s %s", rep.Submission, rep.Status, rep.Message, messages(&rep))
		}
	}
}

// postgresOfLab connects as the superuser to the running Postgres
// service of the lab id, or returns nil.
func postgresOfLab(ctx context.Context, d *runner.Driver, id string) *pgx.Conn {
	list, err := d.Client().ContainerList(ctx, client.ContainerListOptions{Filters: make(client.Filters).Add("label", engine.LabelLab+"="+id).Add("label", engine.LabelKind+"=postgres")})
	if err != nil || len(list.Items) == 0 {
		return nil
	}
	for _, p := range list.Items[0].Ports {
		if p.PrivatePort == 5432 && p.PublicPort != 0 {
			c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/postgres", runner.PostgresUser, runner.PostgresPassword, p.PublicPort))
			if err == nil {
				return c
			}
		}
	}
	return nil
}

// TestPostgresMemoryQuota: in one shared batch, submissions that raise
// their memory settings and sort, hash or aggregate far more than the
// server has run beside and before correct ones: each hog fails with a
// sentence naming the quota (not an error: the server never ran out),
// and every correct one passes.
func TestPostgresMemoryQuota(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	lab := bundledLab(t, "sql-index")
	hogs := []struct{ name, script string }{
		{"a sort in work_mem", "SET work_mem = '10GB';\nSELECT count(*) FROM (SELECT g, md5(g::text) AS m FROM generate_series(1, 40000000) g ORDER BY m) s;"},
		{"a hash in work_mem", "SET work_mem = '10GB'; SET hash_mem_multiplier = 1000;\nSELECT count(*) FROM (SELECT md5(g::text), count(*) FROM generate_series(1, 40000000) g GROUP BY 1) s;"},
		{"temporary buffers", "SET temp_buffers = '10GB';\nCREATE TEMP TABLE big AS SELECT g, repeat('x', 1000) AS pad FROM generate_series(1, 3000000) g;"},
	}
	var batch []runner.Entry
	n := 0
	for _, h := range hogs {
		batch = append(batch, runner.Entry{Name: "hog: " + h.name, Files: runner.Submission{"solution.sql": h.script}})
		for range 2 {
			n++
			batch = append(batch, runner.Entry{Name: fmt.Sprintf("correct %d", n), Files: runner.Submission{"solution.sql": sqlIndexSolution}})
		}
	}
	reports, err := d.GradeBatch(ctx, lab, batch, runner.BatchOptions{Jobs: 3, Deadline: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reports {
		switch {
		case strings.HasPrefix(rep.Submission, "correct"):
			if rep.Status != checks.Pass {
				t.Errorf("%s: %s %s %s", rep.Submission, rep.Status, statuses(&rep), rep.Message+messages(&rep))
			}
		default:
			if rep.Status != checks.Fail || !strings.Contains(messages(&rep), "used more than 256 MB of the server's memory, the most one submission may") {
				t.Errorf("%s: %s %s %s", rep.Submission, rep.Status, rep.Message, messages(&rep))
			}
		}
	}
}
