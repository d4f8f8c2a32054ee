package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// Isolation modes of a batch.
const (
	// IsolationShared grades on shared services: for labs whose services
	// are all postgres, each submission gets its own role and databases
	// on one server (a Slot); otherwise each worker owns one set of
	// services and resets it between submissions.
	IsolationShared = "shared"
	// IsolationContainer gives each submission fresh containers.
	IsolationContainer = "container"
)

// Entry is one submission of a batch.
type Entry struct {
	// Name identifies the submission (a student, a folder).
	Name string
	// Files are its submission files.
	Files Submission
}

// BatchOptions tune GradeBatch.
type BatchOptions struct {
	// Jobs is how many submissions are graded at once; 0 means 1.
	Jobs int
	// Isolation is IsolationShared (default) or IsolationContainer.
	Isolation string
	// Deadline bounds grading one submission; 0 means 2 minutes.
	Deadline time.Duration
	// Progress, when set, is called after each submission (from several
	// goroutines; it must be safe for that).
	Progress func(done, total int, rep *checks.Report)
	// EngineWait bounds how long the batch waits for a Docker engine
	// that went away to come back (engine_watch.go); 0 means
	// DefaultEngineWait.
	EngineWait time.Duration
}

// GradeBatch grades every entry and returns one report each, in the order
// of entries. A submission that breaks, hangs or errors gets a report with
// status error and never stops the batch; the error returned is for the
// batch as a whole (services would not start). A Docker engine that goes
// away and comes back within opts.EngineWait costs no result: the batch
// starts its services again and goes on (engine_watch.go). Everything the
// batch started is removed before it returns.
func (d *Driver) GradeBatch(ctx context.Context, lab *labs.Lab, entries []Entry, opts BatchOptions) ([]checks.Report, error) {
	out, err := d.gradeBatch(ctx, lab, entries, opts)
	if out == nil {
		return nil, err
	}
	reports := make([]checks.Report, len(out))
	for i, g := range out {
		if g.rep != nil {
			reports[i] = *g.rep
		}
	}
	return reports, err
}

// graded is the outcome of one entry of a batch: its report, and when
// that report is not a grading (the environment failed every attempt, or
// the submission outlived its deadline: a *hungError), why. An entry the
// batch did not reach (it was interrupted) has neither.
type graded struct {
	rep *checks.Report
	err error
}

// gradeBatch is GradeBatch with each entry's outcome (graded).
func (d *Driver) gradeBatch(ctx context.Context, lab *labs.Lab, entries []Entry, opts BatchOptions) ([]graded, error) {
	jobs := max(opts.Jobs, 1)
	jobs = min(jobs, max(len(entries), 1))
	if opts.Deadline <= 0 {
		opts.Deadline = 2 * time.Minute
	}
	reports := make([]graded, len(entries))
	var mu sync.Mutex
	done := 0
	finish := func(i int, rep *checks.Report, err error) {
		reports[i] = graded{rep, err}
		mu.Lock()
		done++
		n := done
		mu.Unlock()
		if opts.Progress != nil {
			opts.Progress(n, len(entries), rep)
		}
	}

	// grade runs one submission with the given grader and healer
	// (gradeEntry).
	grade := func(i int, check func(ctx context.Context) (*checks.Report, error), heal func(ctx context.Context) error) {
		start := time.Now()
		rep, err := tryEntry(ctx, lab, entries[i].Name, opts.Deadline, check, heal)
		rep.Submission = entries[i].Name
		rep.Duration = time.Since(start)
		finish(i, rep, err)
	}

	queue := make(chan int)
	go func() {
		defer close(queue)
		for i := range entries {
			select {
			case queue <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	// The engine is followed for the whole batch (engine_watch.go).
	watch := newEngineWatch(dockerLink{d.Client()}, opts.EngineWait)
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go watch.run(wctx)
	started := &envSet{}
	defer started.close(ctx)

	var wg sync.WaitGroup
	var startErr error
	var errOnce sync.Once
	switch {
	case opts.Isolation == IsolationContainer:
		for range jobs {
			wg.Go(func() {
				// Each attempt starts fresh services: after the engine
				// went away, waiting for it to come back is enough.
				life := 1
				heal := func(ctx context.Context) error {
					now, err := watch.since(ctx, life)
					if err == nil {
						life = now
					}
					return err
				}
				for i := range queue {
					grade(i, func(ctx context.Context) (*checks.Report, error) {
						env, err := started.start(ctx, d, lab)
						if err != nil {
							return nil, err
						}
						defer func() {
							// Not removed (the engine went away): the
							// batch removes it at its end.
							if env.Close(ctx) != nil {
								started.add(env)
							}
						}()
						return env.Check(ctx, entries[i].Files, CheckOptions{Name: entries[i].Name})
					}, heal)
				}
			})
		}
	default:
		first, err := d.StartLab(ctx, lab)
		if err != nil {
			return nil, err
		}
		started.add(first)
		if first.SlotsSupported() {
			// One slot per worker: each submission runs in a transaction
			// that is rolled back (or the slot is recreated when the
			// submission committed), so the next one starts pristine.
			shared := &sharedEnv{d: d, lab: lab, env: first, life: 1, started: started}
			for w := range jobs {
				wg.Go(func() {
					name := fmt.Sprintf("w%d", w)
					env, life := first, 1
					slot, err := env.NewSlot(ctx, name)
					if err != nil {
						errOnce.Do(func() { startErr = err })
						return
					}
					defer func() { slot.Close(ctx) }()
					// After the engine came back: the batch's services
					// started again (once, by whichever worker asks
					// first), and a new slot on them. The old slot's
					// server is gone, and its learners with it.
					heal := func(ctx context.Context) error {
						now, err := watch.since(ctx, life)
						if err != nil {
							return err
						}
						fresh, err := shared.restart(ctx, now)
						if err != nil {
							return err
						}
						s, err := fresh.NewSlot(ctx, name)
						if err != nil {
							return fmt.Errorf("after the Docker engine came back: %w", err)
						}
						env, life, slot = fresh, now, s
						return nil
					}
					for i := range queue {
						grade(i, func(ctx context.Context) (*checks.Report, error) {
							return env.Check(ctx, entries[i].Files, CheckOptions{Name: entries[i].Name, Slot: slot})
						}, heal)
					}
				})
			}
			break
		}
		// One set of services per worker, reset between submissions.
		envs := []*LabEnv{first}
		for len(envs) < jobs {
			more, err := d.StartLab(ctx, lab)
			if err != nil {
				errOnce.Do(func() { startErr = err })
				break
			}
			started.add(more)
			envs = append(envs, more)
		}
		for _, env := range envs {
			// Each reset is a swap to a spare prepared while the
			// previous submission is graded (box_spare.go).
			env.KeepSpares()
			wg.Go(func() {
				life := 1
				// After the engine came back: this worker's services
				// started again.
				heal := func(ctx context.Context) error {
					now, err := watch.since(ctx, life)
					if err != nil {
						return err
					}
					env.Close(ctx)
					fresh, err := started.start(ctx, d, lab)
					if err != nil {
						return fmt.Errorf("start the lab again after the Docker engine came back: %w", err)
					}
					started.add(fresh)
					fresh.KeepSpares()
					env, life = fresh, now
					return nil
				}
				for i := range queue {
					grade(i, func(ctx context.Context) (*checks.Report, error) {
						return env.Check(ctx, entries[i].Files, CheckOptions{Name: entries[i].Name})
					}, heal)
				}
			})
		}
	}
	wg.Wait()
	if startErr != nil && done == 0 {
		return nil, startErr
	}
	if err := ctx.Err(); err != nil {
		return reports, errors.Join(err, fmt.Errorf("graded %d of %d submissions", done, len(entries)))
	}
	return reports, nil
}

// gradeEntry grades one submission under its deadline with check. A
// failure of the environment (a server that crashed or is recovering, a
// full disk, a lost connection: an EnvError) is no grade: the submission
// is graded again, up to envAttempts times in all, each attempt under its
// own deadline, and is an error result only when every attempt met one. A
// submission that outlives its deadline fails every check (hungReport).
//
// Before it is graded again, heal (when set) mends what the engine's
// going away broke: it returns nil when it started the services again
// (grade again now), errEngineUp when the engine never went away (grade
// again after the usual wait), an engineGone when the engine did not come
// back (no more attempts: that is the result's cause), and any other
// error when the services would not start again (that error is the
// cause, and the usual retries go on).
func gradeEntry(ctx context.Context, lab *labs.Lab, name string, deadline time.Duration, check func(ctx context.Context) (*checks.Report, error), heal func(ctx context.Context) error) *checks.Report {
	rep, _ := tryEntry(ctx, lab, name, deadline, check, heal)
	return rep
}

// tryEntry is gradeEntry, with the error that the report is made of when
// it is not a grading: the last attempt's (the environment's) or a
// *hungError.
func tryEntry(ctx context.Context, lab *labs.Lab, name string, deadline time.Duration, check func(ctx context.Context) (*checks.Report, error), heal func(ctx context.Context) error) (*checks.Report, error) {
	// An attempt that the engine's going away explains (heal started the
	// services again after it) is not counted against the submission;
	// restarts bounds those too.
	for attempt, restarts := 1, 0; ; attempt++ {
		sctx, cancel := context.WithTimeout(ctx, deadline)
		rep, err := check(sctx)
		hung := sctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
		cancel()
		var ee *EnvError
		envFailed := !hung && errors.As(err, &ee) && ctx.Err() == nil
		retry := envFailed && attempt < envAttempts+restarts
		if envFailed && heal != nil && restarts < envAttempts {
			herr := heal(ctx)
			switch {
			case herr == nil:
				restarts++
				continue
			case errors.Is(herr, errEngineUp):
			case errors.As(herr, new(*engineGone)) || ctx.Err() != nil:
				retry = false
				if ctx.Err() == nil {
					err = herr
				}
			default:
				// The services did not start again: graded again,
				// if attempts remain, after the usual wait.
				err = herr
			}
		}
		switch {
		case hung:
			// The learner's doing, not the environment's.
			return hungReport(lab, name, deadline), &hungError{deadline}
		case retry:
			select {
			case <-ctx.Done():
			case <-time.After(envRetryWait * time.Duration(attempt)):
			}
		case err != nil:
			msg := err.Error()
			if attempt > 1 {
				msg = fmt.Sprintf("%s (graded %d times; the environment failed each time)", msg, attempt)
			}
			rep = &checks.Report{Lab: lab.ID, Submission: name, Message: msg}
			rep.Summarize()
			return rep, errors.New(msg)
		default:
			return rep, nil
		}
	}
}

// envAttempts bounds the gradings of a submission the environment failed
// under; envRetryWait is the wait before the second attempt (twice it
// before the third).
var (
	envAttempts  = 3
	envRetryWait = time.Second
)

// hungError is why a submission that outlived its deadline has no
// grading.
type hungError struct{ deadline time.Duration }

func (e *hungError) Error() string {
	return fmt.Sprintf("did not finish within %s", e.deadline)
}

// hungReport is the report of a submission that did not finish within the
// batch's deadline: every check fails, with a sentence saying why.
func hungReport(lab *labs.Lab, name string, deadline time.Duration) *checks.Report {
	msg := fmt.Sprintf("the submission did not finish within the deadline of %s (--deadline); it was stopped, and every check fails", deadline)
	rep := &checks.Report{Lab: lab.ID, Submission: name, Message: msg}
	for _, def := range lab.Checks {
		rep.Results = append(rep.Results, checks.Result{Name: def.Name, Type: def.Type, Status: checks.Fail, Message: msg, MaxScore: def.Points})
	}
	rep.Summarize()
	if len(rep.Results) == 0 {
		rep.Status = checks.Fail
	}
	return rep
}
