package runner

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// fakeCheck returns a fixed outcome, panics, or waits for its context.
type fakeCheck struct {
	out   checks.Outcome
	panic bool
	block bool
	// runs counts the runs.
	runs int
}

func (f *fakeCheck) Validate() error { return nil }
func (f *fakeCheck) Run(ctx context.Context, env checks.Env) checks.Outcome {
	f.runs++
	switch {
	case f.panic:
		panic("boom")
	case f.block:
		<-ctx.Done()
		return checks.Errored("gave up: " + ctx.Err().Error())
	}
	return f.out
}

func TestRunChecks(t *testing.T) {
	short := checks.Duration{Duration: 50 * time.Millisecond}
	lab := &labs.Lab{
		Checks: []*labs.CheckDef{
			{Name: "a", Points: 2, Check: &fakeCheck{out: checks.Passed()}},
			{Name: "b", Points: 1, Check: &fakeCheck{out: checks.Failed("wrong")}, Hint: "look at b"},
			{Name: "c", Points: 1, Needs: []string{"a", "b"}, Check: &fakeCheck{out: checks.Passed()}},
			{Name: "d", Points: 1, Check: &fakeCheck{panic: true}},
			{Name: "e", Points: 1, Timeout: short, Check: &fakeCheck{block: true}},
			{Name: "f", Points: 1, Needs: []string{"a"}, Check: &fakeCheck{out: checks.Passed()}},
		},
		Hints: []*labs.Hint{{Check: "d", Text: "d's lab hint"}},
	}
	var pending sync.WaitGroup
	res, abandoned := runChecks(context.Background(), lab, nil, nil, &pending, func(*labs.CheckDef) checks.Env { return nil })
	if abandoned {
		t.Error("a check that returns at its deadline was abandoned")
	}
	want := []struct {
		status checks.Status
		score  int
		msg    string
		hint   string
	}{
		{checks.Pass, 2, "", ""},
		{checks.Fail, 0, "wrong", "look at b"},
		{checks.Skip, 0, "skipped: needs b to pass first", ""},
		{checks.Error, 0, "internal error in check type", "d's lab hint"},
		// The check's own timeout: what it waited for (the submission)
		// was too slow, a fail.
		{checks.Fail, 0, "it ran past the 50 ms limit and was stopped: gave up", ""},
		{checks.Pass, 1, "", ""},
	}
	for i, w := range want {
		r := res[i]
		if r.Status != w.status || r.Score != w.score || !strings.Contains(r.Message, w.msg) || r.Hint != w.hint {
			t.Errorf("%s: got %s %d %q hint %q; want %s %d %q hint %q", r.Name, r.Status, r.Score, r.Message, r.Hint, w.status, w.score, w.msg, w.hint)
		}
	}
}

// TestRunChecksSubmissionDeadline: when the whole submission's time runs
// out (the batch's deadline, not the check's timeout), the check running
// then is an error of the run, not a fail of the submission; the batch
// grades the hung submission itself (hungReport).
func TestRunChecksSubmissionDeadline(t *testing.T) {
	lab := &labs.Lab{Checks: []*labs.CheckDef{
		{Name: "slow", Points: 1, Timeout: checks.Duration{Duration: time.Minute}, Check: &fakeCheck{block: true}},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var pending sync.WaitGroup
	res, _ := runChecks(ctx, lab, nil, nil, &pending, func(*labs.CheckDef) checks.Env { return nil })
	if res[0].Status != checks.Error {
		t.Errorf("got %s %q, want an error", res[0].Status, res[0].Message)
	}
	rep := hungReport(lab, "ada", 2*time.Minute)
	if rep.Status != checks.Fail || rep.Score != 0 || rep.MaxScore != 1 || len(rep.Results) != 1 ||
		rep.Results[0].Status != checks.Fail || !strings.Contains(rep.Message, "did not finish within the deadline of 2m0s") {
		t.Errorf("hung report: %+v", rep)
	}
}

func TestMentionsTime(t *testing.T) {
	for msg, want := range map[string]bool{
		"the program did not finish within 8.8s; it was stopped": true,
		"the query did not finish before the check's timeout":    true,
		"your query ran past the 10 s limit and was cancelled":   true,
		"connection refused": false,
	} {
		if got := mentionsTime(msg); got != want {
			t.Errorf("mentionsTime(%q) = %v", msg, got)
		}
	}
}

// TestGradeEntryRetries: a submission the environment failed under is
// graded again, a bounded number of times; a learner's failure and a hung
// submission are not.
func TestGradeEntryRetries(t *testing.T) {
	defer func(w time.Duration) { envRetryWait = w }(envRetryWait)
	envRetryWait = time.Millisecond
	lab := &labs.Lab{ID: "l", Checks: []*labs.CheckDef{{Name: "c", Points: 1}}}
	envErr := &EnvError{Err: errors.New("the server is in recovery")}
	ok := &checks.Report{Lab: "l", Status: checks.Pass}

	calls := 0
	rep := gradeEntry(context.Background(), lab, "ada", time.Minute, func(context.Context) (*checks.Report, error) {
		if calls++; calls < 3 {
			return nil, envErr
		}
		return ok, nil
	}, nil)
	if rep != ok || calls != 3 {
		t.Errorf("env fails twice: %d calls, report %+v; want the third attempt's", calls, rep)
	}

	calls = 0
	rep = gradeEntry(context.Background(), lab, "bob", time.Minute, func(context.Context) (*checks.Report, error) {
		calls++
		return nil, envErr
	}, nil)
	if calls != envAttempts || rep.Status != checks.Error || !strings.Contains(rep.Message, "graded 3 times; the environment failed each time") {
		t.Errorf("env fails always: %d calls, %+v", calls, rep)
	}

	calls = 0
	rep = gradeEntry(context.Background(), lab, "cy", time.Minute, func(context.Context) (*checks.Report, error) {
		calls++
		return nil, errors.New("read solution.sql: permission denied")
	}, nil)
	if calls != 1 || rep.Status != checks.Error {
		t.Errorf("another error: %d calls, %+v; want one, not retried", calls, rep)
	}

	calls = 0
	rep = gradeEntry(context.Background(), lab, "dee", 20*time.Millisecond, func(ctx context.Context) (*checks.Report, error) {
		calls++
		<-ctx.Done()
		return nil, &EnvError{Err: ctx.Err()}
	}, nil)
	if calls != 1 || rep.Status != checks.Fail || rep.Results[0].Status != checks.Fail {
		t.Errorf("hung: %d calls, %+v; want one, failing every check", calls, rep)
	}
}

// TestRunChecksSkipsWhatDidNotApply: the checks of a service whose file
// did not apply are skipped, not run, with no points and the file named;
// a check that needs one of them is skipped too; other services' checks
// run as usual.
func TestRunChecksSkipsWhatDidNotApply(t *testing.T) {
	served := &fakeCheck{out: checks.Passed()}
	lab := &labs.Lab{Checks: []*labs.CheckDef{
		{Name: "served", Service: "web", Points: 2, Check: served},
		{Name: "denied", Service: "web", Points: 1, Check: &fakeCheck{out: checks.Failed("got 200")}},
		{Name: "db-ok", Service: "db", Points: 1, Check: &fakeCheck{out: checks.Passed()}},
		{Name: "after", Service: "db", Points: 1, Needs: []string{"served"}, Check: &fakeCheck{out: checks.Passed()}},
	}}
	var pending sync.WaitGroup
	var ran []string
	started := func(name string) { ran = append(ran, name) }
	results, _ := runChecks(context.Background(), lab, map[string]string{"web": "site.conf did not apply"}, started, &pending, func(*labs.CheckDef) checks.Env { return nil })
	want := []struct {
		status checks.Status
		score  int
		msg    string
	}{
		{checks.Skip, 0, "skipped: site.conf did not apply"},
		{checks.Skip, 0, "skipped: site.conf did not apply"},
		{checks.Pass, 1, ""},
		{checks.Skip, 0, "skipped: needs served to pass first"},
	}
	for i, w := range want {
		if r := results[i]; r.Status != w.status || r.Score != w.score || r.Message != w.msg {
			t.Errorf("%s: %s %d %q, want %s %d %q", r.Name, r.Status, r.Score, r.Message, w.status, w.score, w.msg)
		}
	}
	if !slices.Equal(ran, []string{"db-ok"}) {
		t.Errorf("started %q, want only the check that ran", ran)
	}
	if served.runs != 0 {
		t.Errorf("a check of the service whose file did not apply ran %d times", served.runs)
	}
}

// TestGradeEntryHeals: before a submission the environment failed under
// is graded again, heal mends what the engine's going away broke. A
// restart (heal returns nil) grades it again at once, and is not counted
// against the submission's attempts, up to a bound; an engine that did
// not go away leaves the usual retries, and so do services that would not
// start again; an engine that did not come back is the result's cause at
// once; a hung submission asks nothing.
func TestGradeEntryHeals(t *testing.T) {
	defer func(w time.Duration) { envRetryWait = w }(envRetryWait)
	envRetryWait = time.Millisecond
	lab := &labs.Lab{ID: "l", Checks: []*labs.CheckDef{{Name: "c", Points: 1}}}
	lost := &EnvError{Err: errors.New("lost the connection to db: unexpected EOF")}
	gone := &EnvError{Err: &engineGone{"the Docker engine went away at 10:00:00 (connection refused) and did not come back within 1m0s (--engine-wait)"}}
	noStart := &EnvError{Err: errors.New("start the lab again after the Docker engine came back: create container: daemon is shutting down")}
	ok := &checks.Report{Lab: "l", Status: checks.Pass}
	tests := []struct {
		name string
		// fails is how many attempts the environment fails.
		fails int
		heal  error
		hung  bool
		// want: the calls of check and heal, and the result.
		wantChecks, wantHeals int
		wantStatus            checks.Status
		wantMessage           string
	}{
		{name: "restarted once", fails: 1, wantChecks: 2, wantHeals: 1, wantStatus: checks.Pass},
		{name: "restarted at every attempt the engine failed", fails: envAttempts, wantChecks: envAttempts + 1, wantHeals: envAttempts, wantStatus: checks.Pass},
		{name: "restarts are bounded", fails: 100, wantChecks: 2 * envAttempts, wantHeals: envAttempts, wantStatus: checks.Error,
			wantMessage: "graded 6 times; the environment failed each time"},
		{name: "engine up: the usual retries", fails: 100, heal: errEngineUp, wantChecks: envAttempts, wantHeals: envAttempts, wantStatus: checks.Error,
			wantMessage: "lost the connection to db: unexpected EOF (graded 3 times"},
		{name: "engine gone: its cause, at once", fails: 100, heal: gone, wantChecks: 1, wantHeals: 1, wantStatus: checks.Error,
			wantMessage: gone.Error()},
		{name: "services would not start again: the usual retries, with that cause", fails: 100, heal: noStart, wantChecks: envAttempts, wantHeals: envAttempts, wantStatus: checks.Error,
			wantMessage: "start the lab again after the Docker engine came back: create container: daemon is shutting down (graded 3 times"},
		{name: "hung: no heal", hung: true, wantChecks: 1, wantHeals: 0, wantStatus: checks.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checksRun, heals := 0, 0
			rep := gradeEntry(context.Background(), lab, "ada", 50*time.Millisecond, func(ctx context.Context) (*checks.Report, error) {
				checksRun++
				if tt.hung {
					<-ctx.Done()
					return nil, &EnvError{Err: ctx.Err()}
				}
				if checksRun <= tt.fails {
					return nil, lost
				}
				return ok, nil
			}, func(context.Context) error {
				heals++
				return tt.heal
			})
			if checksRun != tt.wantChecks || heals != tt.wantHeals {
				t.Errorf("%d checks and %d heals, want %d and %d", checksRun, heals, tt.wantChecks, tt.wantHeals)
			}
			if rep.Status != tt.wantStatus || !strings.Contains(rep.Message, tt.wantMessage) {
				t.Errorf("result %s %q, want %s with %q", rep.Status, rep.Message, tt.wantStatus, tt.wantMessage)
			}
		})
	}
}
