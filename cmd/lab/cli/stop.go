package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
)

// StopOptions are the inputs of `lab stop`.
type StopOptions struct {
	Deps *Deps
	Dir  string
}

// NewCmdStop builds `lab stop`.
func NewCmdStop(deps *Deps, runF func(context.Context, *StopOptions) error) *cobra.Command {
	opts := &StopOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Remove the lab's containers; the workspace files stay",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return stopRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

func stopRun(ctx context.Context, opts *StopOptions) error {
	deps := opts.Deps
	dir := opts.Dir
	if dir == "" {
		dir = mustGetwd()
	}
	ws, err := workspace.Find(dir)
	if err != nil {
		return &UsageError{Err: err}
	}
	if ws.State.Session == "" {
		fmt.Fprintf(deps.IO.ErrOut, "%s is not running\n", ws.State.Lab)
		return nil
	}
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	t0 := time.Now()
	if err := d.StopSession(ctx, ws.State.Lab, ws.State.Session); err != nil {
		return err
	}
	ws.State.Session = ""
	if err := ws.Save(); err != nil {
		return err
	}
	fmt.Fprintf(deps.IO.ErrOut, "%s stopped (%s); your files are in %s\n", ws.State.Lab, since(t0), ws.Dir)
	return nil
}
