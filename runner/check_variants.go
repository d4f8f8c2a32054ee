package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
)

// A box's hidden variants are graded on runs of their own, before the
// lab's main run: each variant's run recreates the box from the
// variant's data, applies the submission's files of that box and runs
// the box's checks marked on_variants. The main run comes last, so that
// the box a learner opens after `lab check` holds the lab's own data (and
// what the submission did to it), never a variant's.
//
// A check passes only if it passes on the main data and on every
// variant. What a variant's run saw — its output, the expected values,
// even the script's exit status — is never shown: a failure there says
// which variant, and that the data is hidden, as sql.result's does.

// variantOutcomes are the results of the on_variants checks on each
// variant, by check name, in the order of the lab's variants.
type variantOutcomes map[string][]variantOutcome

// variantOutcome is one check's result on one variant.
type variantOutcome struct {
	variant string
	status  checks.Status
	// notApplied is the submission file that did not apply there, if
	// one did not.
	notApplied string
}

// boxVariants returns the variants of the lab's box services that have
// checks marked on_variants.
func boxVariants(lab *labs.Lab) []*labs.Variant {
	marked := map[string]bool{}
	for _, def := range lab.Checks {
		if def.OnVariants {
			marked[def.Service] = true
		}
	}
	var out []*labs.Variant
	for _, va := range lab.Variants {
		if s := lab.Services[va.Service]; s != nil && s.Kind == labs.KindBox && marked[va.Service] {
			out = append(out, va)
		}
	}
	return out
}

// checkVariants grades sub on each box variant (see above). A live run
// has none: it grades the box as the learner left it.
func (e *LabEnv) checkVariants(ctx context.Context, sub Submission, opts CheckOptions) (variantOutcomes, error) {
	out := variantOutcomes{}
	if opts.Live {
		return out, nil
	}
	for _, va := range boxVariants(e.Lab) {
		if opts.Started != nil {
			opts.Started("hidden variant " + va.Name)
		}
		res, err := e.checkVariant(ctx, sub, va)
		if err != nil {
			return nil, err
		}
		for name, o := range res {
			o.variant = va.Name
			out[name] = append(out[name], o)
		}
	}
	return out, nil
}

// checkVariant grades sub on variant va and returns the outcome of each
// on_variants check of its service (its variant field unset).
func (e *LabEnv) checkVariant(ctx context.Context, sub Submission, va *labs.Variant) (map[string]variantOutcome, error) {
	defer phase.Begin("variant " + va.Name)()
	var defs []*labs.CheckDef
	in := map[string]bool{}
	for _, def := range e.Lab.Checks {
		if def.OnVariants && def.Service == va.Service {
			in[def.Name] = true
		}
	}
	for _, def := range e.Lab.Checks {
		if !in[def.Name] {
			continue
		}
		// A need that does not run on variants passed or failed on the
		// main data, which the merge reads.
		d := *def
		d.Needs = nil
		for _, n := range def.Needs {
			if in[n] {
				d.Needs = append(d.Needs, n)
			}
		}
		defs = append(defs, &d)
	}
	run := &labRun{env: e, sub: sub, runs: map[string]serviceRun{}}
	ended := false
	defer func() {
		if !ended {
			run.end(context.WithoutCancel(ctx))
		}
	}()
	sr, err := e.state[va.Service].Begin(ctx, runOptions{Variant: va, Programs: e.programs()})
	if err != nil {
		return nil, err
	}
	run.runs[va.Service] = sr
	status := map[string]variantOutcome{}
	for _, f := range e.Lab.Submission {
		if f.Service != va.Service {
			continue
		}
		content, ok := sub[f.File]
		var applyErr error
		if ok {
			applyErr = e.apply(ctx, run, f, content)
		}
		var ee *EnvError
		if errors.As(applyErr, &ee) {
			return nil, applyErr
		}
		if !ok || applyErr != nil {
			// Only that it did not apply: its output, even its exit
			// status, could spell out the variant's data.
			for _, d := range defs {
				status[d.Name] = variantOutcome{status: checks.Fail, notApplied: f.File}
			}
			return status, nil
		}
	}
	lab := *e.Lab
	lab.Checks = defs
	results, abandoned := runChecks(ctx, &lab, nil, nil, &run.pending, func(def *labs.CheckDef) checks.Env {
		return &checkEnv{run: run, service: def.Service, reveal: false, def: def}
	})
	ended = true
	failure, err := run.finish(ctx, abandoned)
	if err != nil {
		return nil, err
	}
	if failure != nil {
		return nil, &EnvError{Err: fmt.Errorf("the environment failed during the check of a hidden variant, so there is no grade: %w", failure)}
	}
	for _, r := range results {
		status[r.Name] = variantOutcome{status: r.Status}
	}
	return status, nil
}

// mergeVariants makes each on_variants check that passed on the main data
// fail where it failed on a variant (an error there is an error), then
// skips the checks whose needs no longer all pass (as a check skipped on
// a variant is: what it needs failed there).
func mergeVariants(lab *labs.Lab, results []checks.Result, vo variantOutcomes) []checks.Result {
	defs := map[string]*labs.CheckDef{}
	for _, def := range lab.Checks {
		defs[def.Name] = def
	}
	status := map[string]checks.Status{}
	for i := range results {
		r := &results[i]
		def := defs[r.Name]
		if def == nil {
			continue // an apply result
		}
		if r.Status == checks.Pass && def.OnVariants {
			for _, o := range vo[r.Name] {
				if o.status == checks.Pass || o.status == checks.Skip {
					// Skipped there: a check it needs did not pass
					// there, and fails here, which skips it below.
					continue
				}
				*r = hiddenVariantResult(*r, o)
				r.Hint = hintFor(lab, def)
				break
			}
		}
		if r.Status == checks.Pass {
			var blocked []string
			for _, n := range def.Needs {
				if status[n] != checks.Pass {
					blocked = append(blocked, n)
				}
			}
			if len(blocked) > 0 {
				r.Status, r.Score, r.Output = checks.Skip, 0, ""
				r.Message = "skipped: needs " + strings.Join(blocked, ", ") + " to pass first"
				r.Hint = hintFor(lab, def)
			}
		}
		status[r.Name] = r.Status
	}
	return results
}

// hiddenVariantResult is r, which passed on the main data, as it ended on
// a hidden variant: nothing of what the run saw there.
func hiddenVariantResult(r checks.Result, o variantOutcome) checks.Result {
	r.Score, r.Output = 0, ""
	switch {
	case o.notApplied != "":
		r.Status = checks.Fail
		r.Message = fmt.Sprintf("it passes on the lab's data, but on a hidden data set (%q) %s did not run to its end "+
			"(it exited with an error or was stopped), so nothing there could be checked. "+
			"Make sure it works on any data of the kind the task describes (a grep that finds nothing exits 1 under set -e); the hidden data is not shown.",
			o.variant, o.notApplied)
	case o.status == checks.Error:
		r.Status = checks.Error
		r.Message = fmt.Sprintf("it passes on the lab's data, but could not be run on a hidden data set (%q); the hidden data is not shown", o.variant)
	default:
		r.Status = checks.Fail
		r.Message = fmt.Sprintf("it passes on the lab's data, but not on a hidden data set (%q). "+
			"Make sure your solution computes the answer from the data rather than relying on the sample's values, "+
			"and follows each rule of the task even where the sample does not test it; the hidden data is not shown.", o.variant)
	}
	return r
}
