package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// fakeState is a service state whose runs are given; it counts resets.
type fakeState struct {
	run    *fakeRun
	resets int
	begins []runOptions
}

func (f *fakeState) Seed(ctx context.Context) error  { return nil }
func (f *fakeState) Reset(ctx context.Context) error { f.resets++; return nil }
func (f *fakeState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	f.begins = append(f.begins, opts)
	return f.run, nil
}

// fakeRun stands for a run that holds connections: End closes them, and
// SQL records a use after that.
type fakeRun struct {
	applied   []string
	applyErr  error
	endErr    error
	closed    bool
	usedAfter bool
	ended     chan struct{}
}

func newFakeRun() *fakeRun { return &fakeRun{ended: make(chan struct{})} }

func (r *fakeRun) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	r.applied = append(r.applied, f.File+"="+content)
	return r.applyErr
}

func (r *fakeRun) End(ctx context.Context) error {
	r.closed = true
	close(r.ended)
	return r.endErr
}

func (r *fakeRun) SQL() checks.SQL {
	if r.closed {
		r.usedAfter = true
	}
	return nil
}

// stubbornCheck ignores its context: it sleeps past its deadline and the
// abandonment grace, then uses the run's connection.
type stubbornCheck struct {
	sleep time.Duration
	done  chan struct{}
}

func (c *stubbornCheck) Validate() error { return nil }
func (c *stubbornCheck) Run(ctx context.Context, env checks.Env) checks.Outcome {
	defer close(c.done)
	time.Sleep(c.sleep)
	env.SQL()
	return checks.Passed()
}

func fakeEnv(lab *labs.Lab, st serviceState) *LabEnv {
	return &LabEnv{Lab: lab, state: map[string]serviceState{"db": st}}
}

// TestCheckAbandonedCheckKeepsItsConnection: a check that ignores its
// context is abandoned, and the run's connections are closed only once it
// has returned, never under it (run with -race, as make test does).
func TestCheckAbandonedCheckKeepsItsConnection(t *testing.T) {
	old := abandonGrace
	abandonGrace = 20 * time.Millisecond
	defer func() { abandonGrace = old }()
	stubborn := &stubbornCheck{sleep: 300 * time.Millisecond, done: make(chan struct{})}
	lab := &labs.Lab{ID: "t", Services: map[string]*labs.Service{"db": {Kind: labs.KindPostgres}},
		Checks: []*labs.CheckDef{{Name: "slow", Type: "fake", Service: "db", Points: 1,
			Timeout: checks.Duration{Duration: 10 * time.Millisecond}, Check: stubborn}}}
	run := newFakeRun()
	rep, err := fakeEnv(lab, &fakeState{run: run}).Check(context.Background(), Submission{}, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; r.Status != checks.Error || !strings.Contains(r.Message, "the check ran past its 10 ms limit and did not stop") {
		t.Errorf("the abandoned check: %s %q", r.Status, r.Message)
	}
	for _, ch := range []chan struct{}{stubborn.done, run.ended} {
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatal("the check or the end of the run never came")
		}
	}
	if run.usedAfter {
		t.Error("the run ended while an abandoned check still used it")
	}
}

// TestCheckRunOptions: Check begins a run on every service with the
// options it was given, applies the files to their service's run, reports
// a missing file and an apply error as failures of the file, first,
// skips the checks of that service with no points (the report fails), and
// ends the runs.
func TestCheckRunOptions(t *testing.T) {
	lab := &labs.Lab{ID: "t",
		Services: map[string]*labs.Service{"db": {Kind: labs.KindPostgres}, "app": {Kind: labs.KindRuntime}},
		Submission: []*labs.SubmissionFile{
			{File: "a.sql", Service: "db"}, {File: "missing.sql", Service: "db"}},
		Checks: []*labs.CheckDef{{Name: "ok", Type: "fake", Service: "db", Points: 2, Check: &fakeCheck{out: checks.Passed()}}},
	}
	db, app := &fakeState{run: newFakeRun()}, &fakeState{run: newFakeRun()}
	db.run.applyErr = errString("syntax error at line 1")
	env := &LabEnv{Lab: lab, state: map[string]serviceState{"db": db, "app": app}}
	slot := &Slot{}
	var started []string
	rep, err := env.Check(context.Background(), Submission{"a.sql": "SELECT"}, CheckOptions{Live: true, Slot: slot, Name: "s1",
		Started: func(step string) { started = append(started, step) }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(started, ",") != "apply a.sql" {
		t.Errorf("started %q, want the apply of the file there is (the skipped check does not run)", started)
	}
	want := runOptions{Live: true, Slot: slot, Programs: true}
	for name, st := range map[string]*fakeState{"db": db, "app": app} {
		if len(st.begins) != 1 || st.begins[0] != want {
			t.Errorf("%s: begins %+v, want one with %+v", name, st.begins, want)
		}
		if !st.run.closed {
			t.Errorf("%s: the run was not ended", name)
		}
	}
	if len(db.run.applied) != 1 || db.run.applied[0] != "a.sql=SELECT" {
		t.Errorf("applied %v", db.run.applied)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Name+" "+string(r.Status)+" "+r.Message)
	}
	wantRes := []string{"apply a.sql fail syntax error at line 1", "apply missing.sql fail the submission has no file missing.sql",
		`ok skip skipped: a.sql did not apply`}
	if strings.Join(got, "\n") != strings.Join(wantRes, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantRes, "\n"))
	}
	if rep.Submission != "s1" || rep.Score != 0 || rep.MaxScore != 2 || rep.Status != checks.Fail {
		t.Errorf("report %q score %d", rep.Submission, rep.Score)
	}
}

// TestCheckEnvFailureHasNoGrade: an environment failure a run reports as
// it ends leaves the check without a grade.
func TestCheckEnvFailureHasNoGrade(t *testing.T) {
	lab := &labs.Lab{ID: "t", Services: map[string]*labs.Service{"db": {Kind: labs.KindPostgres}},
		Checks: []*labs.CheckDef{{Name: "ok", Type: "fake", Service: "db", Points: 1, Check: &fakeCheck{out: checks.Passed()}}}}
	run := newFakeRun()
	run.endErr = &EnvError{Err: errString("lost the connection to db")}
	_, err := fakeEnv(lab, &fakeState{run: run}).Check(context.Background(), Submission{}, CheckOptions{})
	if err == nil || !strings.Contains(err.Error(), "no grade: lost the connection to db") {
		t.Errorf("got %v", err)
	}
	if _, ok := err.(*EnvError); !ok {
		t.Errorf("%T is not an EnvError", err)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
