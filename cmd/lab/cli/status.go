package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
)

// StatusOptions are the inputs of `lab status`.
type StatusOptions struct {
	Deps *Deps
	Dir  string
}

// NewCmdStatus builds `lab status`.
func NewCmdStatus(deps *Deps, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the workspace's lab and last score; elsewhere, running labs and progress",
		Long: `status shows the workspace's lab, its services and the last check's score.
Outside a workspace it is an overview: the labs running on this machine
(as 'lab ps' lists them) and your progress across labs.`,
		Example: `  lab status                 # in a workspace: its lab, services and score
  lab status -C sql-join
  cd ~ && lab status         # elsewhere: running labs and progress`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	deps := opts.Deps
	if opts.Dir == "" {
		if _, err := workspace.Find(mustGetwd()); errors.Is(err, workspace.ErrNoWorkspace) {
			return statusOverview(ctx, deps)
		}
	}
	w, err := openWorkspace(deps, opts.Dir)
	if err != nil {
		return err
	}
	out := deps.IO.Out
	fmt.Fprintf(out, "lab\t%s — %s\n", w.lab.ID, w.lab.Title)
	fmt.Fprintf(out, "workspace\t%s\n", w.ws.Dir)
	if w.ws.State.LastMax > 0 {
		fmt.Fprintf(out, "last check\t%d/%d\n", w.ws.State.LastScore, w.ws.State.LastMax)
	}
	if w.ws.State.Session == "" {
		fmt.Fprintln(out, "services\tstopped (`lab start` to run them)")
		return nil
	}
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	env, err := w.attach(ctx, d)
	if err != nil {
		fmt.Fprintf(out, "services\tsession %s is gone: %v\n", w.ws.State.Session, err)
		return nil
	}
	fmt.Fprintf(out, "services\trunning (session %s, since %s)\n", env.SessionID(), w.ws.State.Started.Local().Format("15:04"))
	printConnections(deps, env)
	return nil
}
