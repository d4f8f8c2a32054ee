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
}

// GradeBatch grades every entry and returns one report each, in the order
// of entries. A submission that breaks, hangs or errors gets a report with
// status error and never stops the batch; the error returned is for the
// batch as a whole (services would not start). Everything the batch
// started is removed before it returns.
func (d *Driver) GradeBatch(ctx context.Context, lab *labs.Lab, entries []Entry, opts BatchOptions) ([]checks.Report, error) {
	jobs := max(opts.Jobs, 1)
	jobs = min(jobs, max(len(entries), 1))
	if opts.Deadline <= 0 {
		opts.Deadline = 2 * time.Minute
	}
	reports := make([]checks.Report, len(entries))
	var mu sync.Mutex
	done := 0
	finish := func(i int, rep *checks.Report) {
		reports[i] = *rep
		mu.Lock()
		done++
		n := done
		mu.Unlock()
		if opts.Progress != nil {
			opts.Progress(n, len(entries), rep)
		}
	}

	// grade runs one submission with the given grader (gradeEntry).
	grade := func(i int, check func(ctx context.Context) (*checks.Report, error)) {
		start := time.Now()
		rep := gradeEntry(ctx, lab, entries[i].Name, opts.Deadline, check)
		rep.Submission = entries[i].Name
		rep.Duration = time.Since(start)
		finish(i, rep)
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

	var wg sync.WaitGroup
	var startErr error
	var errOnce sync.Once
	switch {
	case opts.Isolation == IsolationContainer:
		for range jobs {
			wg.Go(func() {
				for i := range queue {
					grade(i, func(ctx context.Context) (*checks.Report, error) {
						env, err := d.StartLab(ctx, lab)
						if err != nil {
							return nil, err
						}
						defer env.Close(ctx)
						return env.Check(ctx, entries[i].Files, CheckOptions{Name: entries[i].Name})
					})
				}
			})
		}
	default:
		env, err := d.StartLab(ctx, lab)
		if err != nil {
			return nil, err
		}
		defer env.Close(ctx)
		if env.SlotsSupported() {
			// One slot per worker: each submission runs in a transaction
			// that is rolled back (or the slot is recreated when the
			// submission committed), so the next one starts pristine.
			for w := range jobs {
				wg.Go(func() {
					slot, err := env.NewSlot(ctx, fmt.Sprintf("w%d", w))
					if err != nil {
						errOnce.Do(func() { startErr = err })
						return
					}
					defer slot.Close(ctx)
					for i := range queue {
						grade(i, func(ctx context.Context) (*checks.Report, error) {
							return env.Check(ctx, entries[i].Files, CheckOptions{Name: entries[i].Name, Slot: slot})
						})
					}
				})
			}
			break
		}
		// One set of services per worker, reset between submissions.
		envs := []*LabEnv{env}
		for len(envs) < jobs {
			more, err := d.StartLab(ctx, lab)
			if err != nil {
				errOnce.Do(func() { startErr = err })
				break
			}
			defer more.Close(ctx)
			envs = append(envs, more)
		}
		for _, env := range envs {
			// Each reset is a swap to a spare prepared while the
			// previous submission is graded (box_spare.go).
			env.KeepSpares()
			wg.Go(func() {
				for i := range queue {
					grade(i, func(ctx context.Context) (*checks.Report, error) {
						return env.Check(ctx, entries[i].Files, CheckOptions{Name: entries[i].Name})
					})
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
func gradeEntry(ctx context.Context, lab *labs.Lab, name string, deadline time.Duration, check func(ctx context.Context) (*checks.Report, error)) *checks.Report {
	for attempt := 1; ; attempt++ {
		sctx, cancel := context.WithTimeout(ctx, deadline)
		rep, err := check(sctx)
		hung := sctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
		cancel()
		var ee *EnvError
		switch {
		case hung:
			// The learner's doing, not the environment's.
			return hungReport(lab, name, deadline)
		case errors.As(err, &ee) && attempt < envAttempts && ctx.Err() == nil:
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
			return rep
		default:
			return rep
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
