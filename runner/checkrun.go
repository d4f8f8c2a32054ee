package runner

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
)

// abandonGrace is how long a check that ignores its context is waited
// for after its deadline before it is abandoned. It is longer than the
// cleanup a check does once its deadline has stopped the learner's work
// (killPrograms: up to 5 s), so that a check that stopped a fork loop on
// a busy machine, which it reports as a fail, is not taken for one that
// hangs and made an error (TestProgramLab's fork loop, in a full CI run
// at load 16: cleanup took more than the 2 s this was).
var abandonGrace = 6 * time.Second

// envFunc returns the Env a check runs with.
type envFunc func(def *labs.CheckDef) checks.Env

// runChecks runs the lab's checks in order, each under its own deadline,
// each in a goroutine that pending counts. A check whose `needs` did not
// all pass is skipped, not run, and so is a check of a service whose
// submission file did not apply or whose program server did not start
// (notApplied maps the service to why, "site.conf did not apply"): what it would see is not the submission, so it could neither
// pass nor say anything the apply's own result does not. A check that
// panics is an error of that
// check; the others still run. abandoned reports that a check ignored its
// deadline and may still run: the caller must wait for pending before it
// takes away what the checks use.
// started, when set, is called with a check's name as it begins to run.
func runChecks(ctx context.Context, lab *labs.Lab, notApplied map[string]string, started func(string), pending *sync.WaitGroup, envFor envFunc) (_ []checks.Result, abandoned bool) {
	status := map[string]checks.Status{}
	results := make([]checks.Result, 0, len(lab.Checks))
	for _, def := range lab.Checks {
		res := checks.Result{Name: def.Name, Type: def.Type, MaxScore: def.Points, Code: def.Source}
		var blocked []string
		for _, n := range def.Needs {
			if status[n] != checks.Pass {
				blocked = append(blocked, n)
			}
		}
		switch why, unapplied := notApplied[def.Service]; {
		case unapplied && def.Service != "":
			res.Status = checks.Skip
			res.Message = "skipped: " + why
		case len(blocked) > 0:
			res.Status = checks.Skip
			res.Message = "skipped: needs " + strings.Join(blocked, ", ") + " to pass first"
		case ctx.Err() == context.DeadlineExceeded:
			res.Status = checks.Error
			res.Message = "not run: the time for grading this submission ran out"
		case ctx.Err() != nil:
			res.Status = checks.Error
			res.Message = "not run: the run was interrupted"
		default:
			if started != nil {
				started(def.Name)
			}
			start := time.Now()
			end := phase.Begin("check " + def.Name)
			out, left := runOne(ctx, def, envFor(def), pending)
			end()
			abandoned = abandoned || left
			res.Duration = time.Since(start)
			res.Status, res.Message, res.Output = out.Status, out.Message, out.Output
		}
		if res.Status == checks.Pass {
			res.Score = def.Points
		} else {
			res.Hint = hintFor(lab, def)
		}
		status[def.Name] = res.Status
		results = append(results, res)
	}
	return results, abandoned
}

// runOne runs one check in a goroutine of pending. A panic in it is an
// error of the check. left reports that the check ignored its deadline
// and was abandoned while it still runs.
func runOne(ctx context.Context, def *labs.CheckDef, env checks.Env, pending *sync.WaitGroup) (out checks.Outcome, left bool) {
	timeout := def.Timeout.Duration
	if timeout <= 0 {
		// A Lab built in Go rather than loaded has no default applied.
		timeout = labs.DefaultTimeout
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(checks.WithLimit(ctx, timeout), timeout)
	defer cancel()
	done := make(chan checks.Outcome, 1)
	pending.Go(func() {
		defer func() {
			if r := recover(); r != nil {
				done <- checks.Errored(fmt.Sprintf("internal error in check type %s: %v", def.Type, r))
			}
		}()
		done <- def.Check.Run(ctx, env)
	})
	select {
	case out = <-done:
	case <-ctx.Done():
		// A check that ignores its context is abandoned, not waited for.
		select {
		case out = <-done:
		case <-time.After(abandonGrace):
			out = checks.Errored(fmt.Sprintf("the check ran past its %s limit and did not stop", checks.FormatLimit(timeout)))
			left = true
		}
	}
	if out.Status == checks.Error && ctx.Err() == context.DeadlineExceeded && parent.Err() == nil && !left {
		// The check's own timeout ran out while it waited for what the
		// submission runs (a query, a program, a server it configured):
		// too slow or hung is the learner's doing, a fail, not an error
		// of the environment. A failure of the environment seen by the
		// run still makes the report an error (see checkEnv).
		out.Status = checks.Fail
		if !mentionsTime(out.Message) {
			out.Message = fmt.Sprintf("it ran past the %s limit and was stopped: %s", checks.FormatLimit(timeout), out.Message)
		}
	}
	return out, left
}

// hintFor returns the check's own hint, else the first lab hint tied to it.
func hintFor(lab *labs.Lab, def *labs.CheckDef) string {
	if def.Hint != "" {
		return def.Hint
	}
	for _, h := range lab.Hints {
		if h.Check == def.Name {
			return h.Text
		}
	}
	return ""
}

// mentionsTime reports whether a check's message already says that time
// ran out, so that it is not said twice.
func mentionsTime(msg string) bool {
	return strings.Contains(msg, "timeout") || strings.Contains(msg, "did not finish") || strings.Contains(msg, " limit")
}
