package runner

import (
	"context"
	"errors"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/phase"
)

// serve starts the learner's program servers of the run (see
// runtime_service.go), once their files are applied. One that does not
// come up is a failing result "start <entry>", with its output; the
// checks of its service are skipped then, as after a file that did not
// apply. An environment failure ends the run.
func (e *LabEnv) serve(ctx context.Context, run *labRun, rep *checks.Report, notApplied map[string]string, started func(string)) error {
	for _, name := range serviceNames(e.Lab) {
		sv := e.Lab.Services[name].Serve
		sr, ok := run.runs[name].(serverRun)
		if sv == nil || !ok || notApplied[name] != "" {
			continue
		}
		step := "start " + sv.Entry
		if started != nil {
			started(step)
		}
		end := phase.Begin(step)
		err := sr.Serve(ctx)
		end()
		var se *ServeError
		switch {
		case err == nil:
		case errors.As(err, &se):
			rep.Results = append(rep.Results, checks.Result{Name: step, Type: "start", Status: checks.Fail,
				Message: se.Reason, Output: se.Output, File: sv.Entry})
			notApplied[name] = sv.Entry + " did not start"
		default:
			return err
		}
	}
	return nil
}

// serverReports adds to each result of a program server's checks that
// did not pass what became of the program: a sentence when it exited
// during the checks, and the end of its output.
func (e *LabEnv) serverReports(ctx context.Context, run *labRun, results []checks.Result) {
	byName := map[string]string{}
	for _, def := range e.Lab.Checks {
		byName[def.Name] = def.Service
	}
	type report struct {
		exited, output string
		ok             bool
	}
	reports := map[string]*report{}
	for i := range results {
		res := &results[i]
		if res.Status != checks.Fail && res.Status != checks.Error {
			continue
		}
		name := byName[res.Name]
		sr, ok := run.runs[name].(serverRun)
		if !ok {
			continue
		}
		r := reports[name]
		if r == nil {
			r = &report{}
			r.exited, r.output, r.ok = sr.serverReport(ctx)
			reports[name] = r
		}
		if !r.ok {
			continue
		}
		if r.exited != "" {
			res.Message = strings.TrimRight(res.Message, ".") + " (" + r.exited + " during the checks)"
		}
		if res.Output != "" {
			res.Output += "\n"
		}
		res.Output += r.output
	}
}
