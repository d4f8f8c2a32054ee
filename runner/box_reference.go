package runner

import (
	"context"
	"fmt"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// A check's reference command (checks.Referenced: a command check's
// expected_shell) runs when a run on a box begins, after the reset and
// before the submission is applied: on the lab's data and on each
// variant, in a box nothing of the submission has touched, so that a
// script that replaces the box's tools or edits its data cannot change
// what it is compared with.

// refResult is the result of one check's reference command.
type refResult struct {
	res checks.ExecResult
	err error
}

// references runs, in the box as it is now (just reset and seeded,
// before the submission), the reference commands of the checks of this
// service that the run will run: all of them, or on a variant's run those
// marked on_variants. The results are not kept beyond the run: a fixture
// may draw random data, and each reset's data is then its own.
func (st *boxState) references(ctx context.Context, va *labs.Variant) (map[string]refResult, error) {
	refs := map[string]refResult{}
	var svc service
	for _, def := range st.t.lab.Checks {
		r, ok := def.Check.(checks.Referenced)
		if !ok || def.Service != st.name || r.ReferenceCommand() == nil || (va != nil && !def.OnVariants) {
			continue
		}
		if svc == nil {
			var err error
			if svc, err = st.t.service(); err != nil {
				return nil, err
			}
		}
		timeout := def.Timeout.Duration
		if timeout <= 0 {
			timeout = labs.DefaultTimeout
		}
		rctx, cancel := context.WithTimeout(ctx, timeout)
		res, err := svc.Exec(rctx, r.ReferenceCommand(), engine.ExecOptions{User: "0", WorkingDir: "/root"})
		cancel()
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		refs[def.Name] = refResult{checks.ExecResult{ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr, Truncated: res.Truncated}, err}
	}
	return refs, nil
}

// reference returns the result of check's reference command in this run.
func (r boxRun) reference(check string) (checks.ExecResult, error) {
	if r.refs == nil {
		return checks.ExecResult{}, checks.ErrNoReference
	}
	ref, ok := r.refs[check]
	if !ok {
		return checks.ExecResult{}, fmt.Errorf("check %q has no reference command on %s", check, r.st.name)
	}
	return ref.res, ref.err
}

// referenceRun is a run that ran its checks' reference commands.
type referenceRun interface {
	reference(check string) (checks.ExecResult, error)
}

var _ checks.ReferenceReader = (*checkEnv)(nil)

// Reference returns the result of the check's reference command, run by
// its service's run before the submission (see boxState.references).
func (e *checkEnv) Reference(ctx context.Context) (checks.ExecResult, error) {
	r, ok := e.run.runs[e.service].(referenceRun)
	if !ok || e.def == nil {
		return checks.ExecResult{}, checks.ErrNoReference
	}
	return r.reference(e.def.Name)
}
