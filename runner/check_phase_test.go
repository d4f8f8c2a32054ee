package runner

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
)

// TestCheckTracesItsPhases: with tracing on (LAB_TRACE), Check reports
// each of its steps as a phase, in the order they end: each service's
// reset, each file's apply, each check that runs (a skipped one is not a
// phase), the end of the run, and the whole check last.
func TestCheckTracesItsPhases(t *testing.T) {
	lab := &labs.Lab{ID: "t",
		Services:   map[string]*labs.Service{"db": {Kind: labs.KindPostgres}},
		Submission: []*labs.SubmissionFile{{File: "a.sql", Service: "db"}},
		Checks: []*labs.CheckDef{
			{Name: "first", Type: "fake", Service: "db", Points: 1, Check: &fakeCheck{out: checks.Failed("no")}},
			{Name: "second", Type: "fake", Service: "db", Points: 1, Needs: []string{"first"}, Check: &fakeCheck{out: checks.Passed()}},
			{Name: "third", Type: "fake", Service: "db", Points: 1, Check: &fakeCheck{out: checks.Passed()}},
		},
	}
	var buf bytes.Buffer
	phase.Enable(&buf)
	t.Cleanup(func() { phase.Enable(nil) })
	if _, err := fakeEnv(lab, &fakeState{run: newFakeRun()}).Check(context.Background(), Submission{"a.sql": "SELECT 1"}, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range phase.Parse(buf.String()) {
		names = append(names, l.Name)
	}
	want := "reset db,apply a.sql,check first,check third,end run,check"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("phases %q, want %q; trace:\n%s", got, want, buf.String())
	}
}

// TestCheckUntracedPrintsNothing: with tracing off, Check writes no trace.
func TestCheckUntracedPrintsNothing(t *testing.T) {
	var buf bytes.Buffer
	phase.Enable(&buf)
	phase.Enable(nil)
	lab := &labs.Lab{ID: "t", Services: map[string]*labs.Service{"db": {Kind: labs.KindPostgres}},
		Checks: []*labs.CheckDef{{Name: "one", Type: "fake", Service: "db", Points: 1, Check: &fakeCheck{out: checks.Passed()}}}}
	if _, err := fakeEnv(lab, &fakeState{run: newFakeRun()}).Check(context.Background(), Submission{}, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("untraced Check wrote %q", buf.String())
	}
}
