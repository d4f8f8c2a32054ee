package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// DefaultCheckTimeout bounds a check whose definition sets no timeout.
const DefaultCheckTimeout = 10 * time.Second

// envFunc returns the Env a check runs with.
type envFunc func(def *labs.CheckDef) checks.Env

// runChecks runs the lab's checks in order, each under its own deadline.
// A check whose `needs` did not all pass is skipped, not run. A check that
// panics is an error of that check; the others still run.
func runChecks(ctx context.Context, lab *labs.Lab, envFor envFunc) []checks.Result {
	status := map[string]checks.Status{}
	results := make([]checks.Result, 0, len(lab.Checks))
	for _, def := range lab.Checks {
		res := checks.Result{Name: def.Name, Type: def.Type, MaxScore: def.Points}
		var blocked []string
		for _, n := range def.Needs {
			if status[n] != checks.Pass {
				blocked = append(blocked, n)
			}
		}
		switch {
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
			start := time.Now()
			out := runOne(ctx, def, envFor(def))
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
	return results
}

func runOne(ctx context.Context, def *labs.CheckDef, env checks.Env) (out checks.Outcome) {
	timeout := def.Timeout.Duration
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			out = checks.Errored(fmt.Sprintf("internal error in check type %s: %v", def.Type, r))
		}
	}()
	done := make(chan checks.Outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- checks.Errored(fmt.Sprintf("internal error in check type %s: %v", def.Type, r))
			}
		}()
		done <- def.Check.Run(ctx, env)
	}()
	select {
	case out = <-done:
	case <-ctx.Done():
		// A check that ignores its context is abandoned, not waited for.
		select {
		case out = <-done:
		case <-time.After(2 * time.Second):
			out = checks.Errored(fmt.Sprintf("the check did not finish within its timeout (%s)", timeout))
		}
	}
	if out.Status == checks.Error && ctx.Err() == context.DeadlineExceeded && !mentionsTime(out.Message) {
		out.Message = fmt.Sprintf("timed out after %s: %s", timeout, out.Message)
	}
	return out
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
	return strings.Contains(msg, "timeout") || strings.Contains(msg, "did not finish")
}
