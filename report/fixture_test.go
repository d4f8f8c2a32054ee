package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const ms = time.Millisecond

// carolMessage holds what learner text can hold: markup, quotes, commas,
// line breaks, a tab, %, unicode, an ANSI escape and a workflow command.
const carolMessage = "<script>alert(\"x\")</script> expected 3 rows, got 2 — 100% wrong, naïve 日本語 ✓\n" +
	"row 1: \"a\",'b'\n" +
	"\ttabbed \x1b[31mred\x1b[0m\n" +
	"::set-output name=grade::100"

// fixture returns the reports every golden test renders: out of order,
// with a pass, a fail with a multi-line message and a hint, an error, a
// skipped check, hostile text and a run that could not start; with test
// code, files and lines where the runner sets them, and bob's submitted
// file.
func fixture() []checks.Report {
	bob := checks.Report{Lab: "sql-join", Submission: "bob", Duration: 1500 * ms, Results: []checks.Result{
		{Name: "result: orders, customers", Type: "sql.result", Status: checks.Pass, Score: 1, MaxScore: 1, Duration: 12500 * time.Microsecond,
			File: "solution.sql", Code: "name: result: orders, customers\ntype: sql.result\nquery_file: solution.sql\n# expected_query: hidden"},
		{Name: "uses index", Type: "sql.explain", Status: checks.Fail, MaxScore: 2, Duration: 40 * ms,
			Message: "expected an Index Scan on orders, got:\n  Seq Scan on orders\n    Filter: (customer_id = 42)",
			Hint:    "Add an index on orders(customer_id).\nThen run ANALYZE orders;", File: "solution.sql"},
		{Name: "cache hit", Type: "redis.key", Status: checks.Error, MaxScore: 1, Duration: 10 * time.Second,
			Message: "redis: dial tcp 10.0.0.3:6379: connection refused"},
		{Name: "second query", Type: "sql.assert", Status: checks.Skip, MaxScore: 1,
			Message: "skipped: needs uses index to pass first"},
	}, Files: map[string]string{"solution.sql": "SELECT c.name, o.total\nFROM customers c JOIN orders o ON o.customer_id = c.id; -- </pre><script>alert(1)</script>\n"}}
	alice := checks.Report{Lab: "sql-join", Submission: "alice", Duration: 812 * ms, Results: []checks.Result{
		{Name: "result: orders, customers", Type: "sql.result", Status: checks.Pass, Score: 1, MaxScore: 1, Duration: 11 * ms},
		{Name: "uses index", Type: "sql.explain", Status: checks.Pass, Score: 2, MaxScore: 2, Duration: 30 * ms},
		{Name: "cache hit", Type: "redis.key", Status: checks.Pass, Score: 1, MaxScore: 1, Duration: 2 * ms},
		{Name: "second query", Type: "sql.assert", Status: checks.Pass, Score: 1, MaxScore: 1, Duration: 1 * ms},
	}}
	dave := checks.Report{Lab: "sql-join", Submission: "dave", Duration: 3 * time.Second,
		Message: "start postgres: container exited (code 1)\nFATAL:  data directory has wrong ownership"}
	carol := checks.Report{Lab: "sql-join", Submission: `=Carol "C.J." O'Neil, 100%`, Duration: 900 * ms, Results: []checks.Result{
		{Name: "result: orders, customers", Type: "sql.result", Status: checks.Fail, MaxScore: 1, Duration: 15 * ms,
			Message: carolMessage,
			Output:  strings.Repeat("0123456789", 55) + "\r\nend",
			Hint:    "50% of rows are missing: use a LEFT JOIN%0A", File: "solution.sql", Line: 3},
		{Name: "uses index", Type: "sql.explain", Status: checks.Pass, Score: 2, MaxScore: 2, Duration: 20 * ms},
		{Name: "cache hit", Type: "redis.key", Status: checks.Pass, Score: 1, MaxScore: 1, Duration: 2 * ms},
		{Name: "second query", Type: "sql.assert", Status: checks.Pass, Score: 1, MaxScore: 1, Duration: 1 * ms},
	}}
	reports := []checks.Report{bob, alice, dave, carol}
	for i := range reports {
		reports[i].Summarize()
	}
	return reports
}

// golden compares got with testdata/<name>.golden, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run go test ./report -update and review the diff):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// formatsFixture is fixture and erin, whose file did not apply and whose
// checks were skipped for it: the machine formats' goldens render it.
func formatsFixture() []checks.Report {
	skipped := "skipped: solution.sql did not apply"
	erin := checks.Report{Lab: "sql-join", Submission: "erin", Duration: 200 * ms, Results: []checks.Result{
		{Name: "apply solution.sql", Type: "apply", Status: checks.Fail, File: "solution.sql", Line: 2,
			Message: `solution.sql: line 2: syntax error at or near "FORM"`},
		{Name: "result: orders, customers", Type: "sql.result", Status: checks.Skip, MaxScore: 1, Message: skipped, File: "solution.sql"},
		{Name: "uses index", Type: "sql.explain", Status: checks.Skip, MaxScore: 2, Message: skipped, File: "solution.sql"},
		{Name: "cache hit", Type: "redis.key", Status: checks.Skip, MaxScore: 1, Message: skipped},
		{Name: "second query", Type: "sql.assert", Status: checks.Skip, MaxScore: 1, Message: skipped},
	}, Files: map[string]string{"solution.sql": "SELECT name\nFORM customers;\n"}}
	erin.Summarize()
	return append(fixture(), erin)
}
