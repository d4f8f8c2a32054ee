package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/report"
)

// result is a check result of status st worth one point.
func result(name string, st checks.Status, msg string) checks.Result {
	r := checks.Result{Name: name, Type: "sql.result", Status: st, Message: msg, MaxScore: 1}
	if st == checks.Pass {
		r.Score = 1
	}
	return r
}

// cannedReport is a summarized report of lab for submission.
func cannedReport(lab, submission string, results ...checks.Result) checks.Report {
	r := checks.Report{Lab: lab, Submission: submission, Results: results}
	r.Summarize()
	return r
}

// writeResults writes reports as a results.json in dir and returns its path.
func writeResults(t *testing.T, dir, name string, reports ...checks.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.JSONBatch(&b, reports); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
