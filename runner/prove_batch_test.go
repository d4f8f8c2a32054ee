package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// proofLines is a proof as lines "name: want: problem (score)".
func proofLines(p *Proof) string {
	var out []string
	for _, c := range p.Cases {
		out = append(out, fmt.Sprintf("%s: %s: %s (%d/%d)", c.Name, c.Want, c.Problem, c.Report.Score, c.Report.MaxScore))
	}
	return strings.Join(out, "\n")
}

// TestProveRuns: the cases of every run, graded in any order (here the
// last first, as parallel workers may finish them), make the same proofs,
// in the same order, as Prove grading them one after the other; a case
// the environment failed is the error of its run, after the runs before
// it.
func TestProveRuns(t *testing.T) {
	sols := map[string]string{
		"starter/q.sql":        "-- todo",
		"solution/q.sql":       "SELECT * FROM t WHERE x",
		"wrong/nowhere/q.sql":  "SELECT * FROM t",
		"wrong/mislabel/q.sql": "SELECT * FROM t",
	}
	env := proveLab(t, sols, &labs.WrongSolution{Name: "nowhere", Fails: []string{"filters"}},
		&labs.WrongSolution{Name: "mislabel", Fails: []string{"selects", "filters"}})
	want, err := Prove(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	// reversed grades the entries last first; fail names an entry (by
	// its index) the environment fails.
	reversed := func(fail int) func([]Entry) ([]graded, error) {
		return func(entries []Entry) ([]graded, error) {
			out := make([]graded, len(entries))
			for i := len(entries) - 1; i >= 0; i-- {
				if i == fail {
					out[i] = graded{err: errors.New("lost the connection to db (graded 3 times; the environment failed each time)")}
					continue
				}
				rep, err := env.Check(context.Background(), entries[i].Files, CheckOptions{Name: entries[i].Name})
				out[i] = graded{rep, err}
			}
			return out, nil
		}
	}
	plan, err := proofPlan(env.Lab)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		repeat  int
		fail    int
		wantN   int
		wantErr string
	}{
		{name: "one run", repeat: 1, fail: -1, wantN: 1},
		{name: "three runs", repeat: 3, fail: -1, wantN: 3},
		{name: "a case of run 2 not graded", repeat: 3, fail: len(plan) + 1, wantN: 1,
			wantErr: "grade solution of t: lost the connection to db (graded 3 times; the environment failed each time)"},
		{name: "a cheat not graded", repeat: 1, fail: len(plan) - 1, wantN: 0,
			wantErr: "grade cheat role-defaults on wrong/mislabel of t: lost the connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proofs, err := proveRuns(env.Lab, tt.repeat, reversed(tt.fail))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if len(proofs) != tt.wantN {
				t.Fatalf("%d proofs, want %d", len(proofs), tt.wantN)
			}
			for n, p := range proofs {
				if got := proofLines(p); got != proofLines(want) || p.Failed != want.Failed || p.Lab != want.Lab {
					t.Errorf("run %d:\n%s\nwant, as graded one after the other:\n%s", n+1, got, proofLines(want))
				}
			}
		})
	}
}

// TestProveRunsEntries: the batch gets every case of every run, named as
// Prove names them in their reports, with the submission of its folder
// (a cheat's with the cheat in it).
func TestProveRunsEntries(t *testing.T) {
	env := proveLab(t, map[string]string{
		"starter/q.sql":       "-- todo",
		"solution/q.sql":      "SELECT * FROM t WHERE x",
		"wrong/nowhere/q.sql": "SELECT * FROM t",
	}, &labs.WrongSolution{Name: "nowhere", Fails: []string{"filters"}})
	var names []string
	_, err := proveRuns(env.Lab, 2, func(entries []Entry) ([]graded, error) {
		out := make([]graded, len(entries))
		for i, e := range entries {
			names = append(names, e.Name)
			rep, err := env.Check(context.Background(), e.Files, CheckOptions{Name: e.Name})
			out[i] = graded{rep, err}
			if e.Name == "solution" && e.Files["q.sql"] != "SELECT * FROM t WHERE x" {
				t.Errorf("solution graded with %q", e.Files["q.sql"])
			}
			if strings.HasPrefix(e.Name, "cheat ") && (e.Files["q.sql"] == "-- todo" || e.Files["q.sql"] == "SELECT * FROM t") {
				t.Errorf("%s graded without its cheat: %q", e.Name, e.Files["q.sql"])
			}
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	one := "starter solution wrong/nowhere cheat planner-settings cheat planner-settings cheat role-defaults cheat role-defaults"
	if got := strings.Join(names, " "); got != one+" "+one {
		t.Errorf("entries %s, want twice %s", got, one)
	}

	// The batch as a whole failing (services that would not start) is
	// the error.
	start := errors.New("start db: no such image")
	if _, err := proveRuns(env.Lab, 1, func([]Entry) ([]graded, error) { return nil, start }); err != start {
		t.Errorf("err = %v, want %v", err, start)
	}
}

// TestTryEntryErrors: the report of a submission the environment failed
// every attempt, or that outlived its deadline, comes with why it is no
// grading, which a proof reports as the case's error; a grading comes
// with none.
func TestTryEntryErrors(t *testing.T) {
	defer func(w time.Duration) { envRetryWait = w }(envRetryWait)
	envRetryWait = time.Millisecond
	lab := &labs.Lab{ID: "l", Checks: []*labs.CheckDef{{Name: "c", Points: 1}}}
	tests := []struct {
		name    string
		check   func(ctx context.Context) (*checks.Report, error)
		wantErr string
	}{
		{name: "graded", check: func(context.Context) (*checks.Report, error) {
			return &checks.Report{Lab: "l", Status: checks.Fail}, nil
		}},
		{name: "environment", wantErr: "the server is in recovery (graded 3 times; the environment failed each time)",
			check: func(context.Context) (*checks.Report, error) {
				return nil, &EnvError{Err: errors.New("the server is in recovery")}
			}},
		{name: "hung", wantErr: "did not finish within 20ms", check: func(ctx context.Context) (*checks.Report, error) {
			<-ctx.Done()
			return nil, &EnvError{Err: ctx.Err()}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := tryEntry(context.Background(), lab, "starter", 20*time.Millisecond, tt.check, nil)
			if rep == nil {
				t.Fatal("no report")
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if err != nil {
				c := proofCase{name: "starter"}
				if got, want := c.gradeError(lab, err).Error(), "grade starter of l: "+tt.wantErr; got != want {
					t.Errorf("proof error %q, want %q", got, want)
				}
			}
		})
	}
}
