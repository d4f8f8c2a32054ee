package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
)

// CheckOptions tune LabEnv.Check.
type CheckOptions struct {
	// Live grades the state as the learner left it: no reset, and scripts
	// are not applied again.
	Live bool
	// Name is the submission's name in the report.
	Name string
	// Slot grades as an isolated learner (see NewSlot) instead of the
	// workspace learner; the slot's databases are fresh, so nothing is
	// reset.
	Slot *Slot
	// Started, when set, is called as each step of the run begins, with
	// its name as in the report ("apply site.conf", a check's name) or,
	// for a box's hidden variant, "hidden variant <name>", so that a
	// caller can show what runs; it must return at once.
	Started func(step string)
}

// labRun is the state of one grading run: the submission and each
// service's run.
type labRun struct {
	env  *LabEnv
	sub  Submission
	runs map[string]serviceRun
	// pending counts the checks' goroutines: a check that ignores its
	// context is abandoned by runChecks, and the runs must not end (their
	// connections closed) while it may still use them.
	pending sync.WaitGroup

	mu sync.Mutex
	// envFailure is the first failure of the environment during the run
	// (a connection lost, a container gone): the run's grade cannot be
	// trusted then.
	envFailure error
	// files are the run's copies of services' files (checkenv_files.go),
	// by service and folder; nil where one could not be read.
	files map[string]*fileSnapshot
}

// noteEnv records err when it is the environment's failure.
func (r *labRun) noteEnv(err error) {
	var ee *EnvError
	if !errors.As(err, &ee) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.envFailure == nil {
		r.envFailure = err
	}
}

// end ends every service's run and returns the first error.
func (r *labRun) end(ctx context.Context) error {
	var first error
	for _, name := range serviceNames(r.env.Lab) {
		if sr := r.runs[name]; sr != nil {
			if err := sr.End(ctx); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// programs reports whether learners' programs run in the lab: they reach
// the other services themselves, in transactions of their own, so checks
// read what the programs did.
func (e *LabEnv) programs() bool {
	for _, s := range e.Lab.Services {
		if kinds[s.Kind].programs {
			return true
		}
	}
	return false
}

// Check grades sub: reset to the seeded state, apply the submission files,
// run the checks. A file that does not apply (a config that does not
// load, SQL that does not parse, a program that does not build) is a
// failing result "apply <file>", first in the report; the checks of its
// service are skipped with 0 points (see runChecks), so the report says
// the cause once instead of every check's symptom of it.
func (e *LabEnv) Check(ctx context.Context, sub Submission, opts CheckOptions) (_ *checks.Report, err error) {
	defer phase.Begin("check")()
	start := time.Now()
	rep := &checks.Report{Lab: e.Lab.ID, Submission: opts.Name}
	run := &labRun{env: e, sub: sub, runs: map[string]serviceRun{}}
	ended := false
	defer func() {
		if !ended {
			run.end(context.WithoutCancel(ctx))
		}
	}()
	// A box's hidden variants are graded first (check_variants.go).
	variants, err := e.checkVariants(ctx, sub, opts)
	if err != nil {
		return nil, err
	}
	ro := runOptions{Live: opts.Live, Slot: opts.Slot, Programs: e.programs()}
	for _, name := range serviceNames(e.Lab) {
		end := phase.Begin("reset " + name)
		sr, err := e.state[name].Begin(ctx, ro)
		end()
		if err != nil {
			return nil, err
		}
		run.runs[name] = sr
	}
	notApplied := map[string]string{} // service → why its checks are skipped ("site.conf did not apply")
	for _, f := range e.Lab.Submission {
		content, ok := sub[f.File]
		if !ok {
			rep.Results = append(rep.Results, checks.Result{Name: "apply " + f.File, Type: "apply", Status: checks.Fail,
				Message: fmt.Sprintf("the submission has no file %s", f.File)})
			if notApplied[f.Service] == "" {
				notApplied[f.Service] = f.File + " did not apply"
			}
			continue
		}
		if opts.Started != nil {
			opts.Started("apply " + f.File)
		}
		if err := e.apply(ctx, run, f, content); err != nil {
			var ee *EnvError
			if errors.As(err, &ee) {
				return nil, err
			}
			rep.Results = append(rep.Results, checks.Result{Name: "apply " + f.File, Type: "apply", Status: checks.Fail,
				Message: err.Error()})
			if notApplied[f.Service] == "" {
				notApplied[f.Service] = f.File + " did not apply"
			}
		}
	}
	if err := e.serve(ctx, run, rep, notApplied, opts.Started); err != nil {
		return nil, err
	}
	results, abandoned := runChecks(ctx, e.Lab, notApplied, opts.Started, &run.pending, func(def *labs.CheckDef) checks.Env {
		return &checkEnv{run: run, service: def.Service, reveal: def.Reveal, def: def}
	})
	e.serverReports(ctx, run, results)
	rep.Results = append(rep.Results, mergeVariants(e.Lab, results, variants)...)
	if e.programs() && !allPassed(results) {
		run.noteEnv(e.health(ctx))
	}
	ended = true
	failure, err := run.finish(ctx, abandoned)
	if err != nil {
		return nil, err
	}
	if failure != nil {
		// A grade computed against a broken environment would be wrong.
		return nil, &EnvError{Err: fmt.Errorf("the environment failed during the check, so there is no grade: %w", failure)}
	}
	locate(e.Lab, rep.Results)
	rep.Duration = time.Since(start)
	rep.Summarize()
	return rep, nil
}

// allPassed reports whether no check failed or errored.
func allPassed(results []checks.Result) bool {
	for _, r := range results {
		if r.Status == checks.Fail || r.Status == checks.Error {
			return false
		}
	}
	return true
}

// health asks every service that can tell whether it still works; the
// first that does not is an EnvError. In a program lab a service that
// died under the program turns the program's failure (a connection
// refused, a killed process) into the environment's.
func (e *LabEnv) health(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, name := range serviceNames(e.Lab) {
		if h, ok := e.state[name].(healthChecker); ok {
			if err := h.health(ctx); err != nil {
				return envErr(fmt.Errorf("service %s stopped working during the checks: %w", name, err))
			}
		}
	}
	return nil
}

// applyTimeout bounds applying one submission file.
const applyTimeout = 30 * time.Second

func (e *LabEnv) apply(ctx context.Context, run *labRun, f *labs.SubmissionFile, content string) error {
	ctx, cancel := context.WithTimeout(ctx, applyTimeout)
	defer cancel()
	defer phase.Begin("apply " + f.File)()
	return run.runs[f.Service].Apply(ctx, f, content)
}

// endRun ends the run's services, timed as the phase "end run".
func endRun(ctx context.Context, run *labRun) error {
	defer phase.Begin("end run")()
	return run.end(ctx)
}

// finish ends run and returns the environment's failure it saw, or an
// error of ending it that is not the environment's. With abandoned, a
// check still runs on the run's connections: they are closed once it
// returns, never under it; its result is already an error, so the grade
// does not depend on what it finds.
func (run *labRun) finish(ctx context.Context, abandoned bool) (failure, err error) {
	if abandoned {
		go func() {
			run.pending.Wait()
			run.end(context.WithoutCancel(ctx))
		}()
	} else if endErr := endRun(ctx, run); endErr != nil {
		run.noteEnv(endErr)
		var ee *EnvError
		if !errors.As(endErr, &ee) {
			return nil, endErr
		}
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	return run.envFailure, nil
}
