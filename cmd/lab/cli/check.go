package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/report"
	"github.com/labrunner/labrunner/runner"
)

// CheckOptions are the inputs of `lab check`.
type CheckOptions struct {
	Deps *Deps
	// Dir is a folder in the workspace; default the current folder.
	Dir string
	// Live grades the running state as the learner left it.
	Live bool
	// Format is terminal (the human report, also when piped, without
	// colour), json or tsv (tab-separated records for scripts).
	Format string
}

// NewCmdCheck builds `lab check`.
func NewCmdCheck(deps *Deps, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Grade the workspace's solution",
		Long: `check grades the workspace: the lab's services go back to their seeded state,
your files are applied, and every check runs. With the services running
(after 'lab start') this is fast; otherwise they are started for this check
and removed afterwards. --live grades the running state as you left it,
without resetting or re-applying anything.

On a terminal, a check that runs for more than a second is shown while it
runs ("running custom-404 …"), and the line is erased when it ends.
Piped ('lab check | less', '| tee log') the report is the same, without
colour. --format tsv prints tab-separated records for scripts (grammar:
docs/tsv.md); --format json Exercism's results.json. LAB_TRACE=1 prints
the time of each phase (start, seed, reset, apply, each check, close) on
stderr.

Exit status: 0 when every check passed, 1 when one did not (see
'lab help exit-codes').`,
		Example: `  lab check                  # in the workspace folder
  lab check -C sql-join
  lab check --format json
  lab check --live           # grade what you changed by hand, as it is`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch opts.Format {
			case "terminal", "json", "tsv":
			default:
				return &UsageError{Err: fmt.Errorf("--format %q: use terminal, json or tsv", opts.Format)}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Live, "live", false, "grade the running state as left by hand; no reset, no apply")
	cmd.Flags().StringVar(&opts.Format, "format", "terminal", "output format: terminal, json or tsv")
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	addPullFlag(cmd, deps)
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	deps := opts.Deps
	w, unlock, err := openLockedWorkspace(deps, opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	sub, err := w.ws.ReadFiles(submissionNames(w.lab))
	if err != nil {
		return err
	}
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	env, err := w.attach(ctx, d)
	if err != nil && deps.Verbose {
		fmt.Fprintf(deps.IO.ErrOut, "session %s is gone (%v); starting fresh services\n", w.ws.State.Session, err)
	}
	if env != nil && !opts.Live {
		// The next check's reset is a swap to a spare made meanwhile.
		defer spawnSpares(deps, env, w.ws.Dir)
	}
	if env == nil {
		if opts.Live {
			return &UsageError{Err: fmt.Errorf("--live grades running services, and none run; `lab start %s` first", w.lab.ID)}
		}
		if deps.Verbose {
			fmt.Fprintf(deps.IO.ErrOut, "starting %s for this check …\n", w.lab.ID)
		}
		if env, err = d.StartLab(ctx, w.lab, false); err != nil {
			return err
		}
		defer env.Close(ctx)
	}
	t0 := time.Now()
	spin := newSpinner(deps.IO.ErrOut, deps.IO.ErrTTY)
	rep, err := env.Check(ctx, sub, runner.CheckOptions{Live: opts.Live, Name: "workspace", Started: spin.start})
	spin.stop()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: the report's errors are the interruption's, not
		// the submission's; it is neither shown nor recorded.
		return err
	}
	if deps.Verbose {
		fmt.Fprintf(deps.IO.ErrOut, "checked in %s\n", since(t0))
	}
	if err := renderReport(deps, *rep, opts.Format); err != nil {
		return err
	}
	if err := recordCheck(deps, w, rep); err != nil {
		return err
	}
	if rep.Status != checks.Pass {
		return &ExitError{Code: exitFor(rep)}
	}
	return nil
}

// exitFor is 1 when a check failed, 3 when checks only errored.
func exitFor(rep *checks.Report) int {
	if rep.Status == checks.Error {
		return ExitEnvironment
	}
	return ExitFailed
}

func renderReport(deps *Deps, rep checks.Report, format string) error {
	switch format {
	case "json":
		return report.JSON(deps.IO.Out, rep)
	case "tsv":
		return report.TSV(deps.IO.Out, rep)
	}
	return report.Terminal(deps.IO.Out, rep, report.TerminalOptions{Color: deps.IO.Color, Width: deps.IO.Width})
}

// recordCheck remembers the result in the workspace (for `lab hint`) and
// in the learner's progress (for `lab list`).
func recordCheck(deps *Deps, w *workspaceLab, rep *checks.Report) error {
	w.ws.State.Failing = nil
	for _, r := range rep.Results {
		if r.Status != checks.Pass {
			w.ws.State.Failing = append(w.ws.State.Failing, r.Name)
		}
	}
	w.ws.State.LastScore, w.ws.State.LastMax = rep.Score, rep.MaxScore
	if err := w.ws.Save(); err != nil {
		return err
	}
	p, err := deps.progress()
	if err != nil {
		return err
	}
	p.RecordCheck(w.lab.ID, rep.Score, rep.MaxScore, rep.Status == checks.Pass, time.Now().UTC())
	return p.Save()
}
