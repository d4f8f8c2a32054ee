package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// ResetOptions are the inputs of `lab reset`.
type ResetOptions struct {
	Deps *Deps
	Dir  string
}

// NewCmdReset builds `lab reset`.
func NewCmdReset(deps *Deps, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Bring the lab's services back to their seeded state",
		Long:  "reset brings the running services back to their seeded state; your files are not touched.",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	w, unlock, err := openLockedWorkspace(opts.Deps, opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	d, env, err := w.attachRunning(ctx, opts.Deps)
	if err != nil {
		return err
	}
	defer d.Close()
	t0 := time.Now()
	if err := env.Reset(ctx); err != nil {
		return err
	}
	fmt.Fprintf(opts.Deps.IO.ErrOut, "%s reset to its seeded state (%s)\n", w.lab.ID, since(t0))
	return nil
}
