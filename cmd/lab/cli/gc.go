package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// GCOptions are the inputs of `lab gc`.
type GCOptions struct {
	Deps *Deps
	// Stale removes only the sessions of processes that are gone.
	Stale bool
}

// NewCmdGC builds `lab gc`. runF replaces gcRun in tests.
func NewCmdGC(deps *Deps, runF func(context.Context, *GCOptions) error) *cobra.Command {
	opts := &GCOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "gc",
		Short: "Remove every container and network labrunner left behind",
		Long: `gc force-removes every container and network carrying labrunner's labels on
this Docker engine, including running labs started with 'lab start'.

--stale removes only what a killed or crashed lab command left: sessions
not started to be kept, whose process (by the labels io.labrunner.pid and
io.labrunner.host) no longer runs on this machine.`,
		Example: `  lab gc --stale             # only what killed lab commands left
  lab gc`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return gcRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Stale, "stale", false, "remove only sessions whose process is gone")
	return cmd
}

func gcRun(ctx context.Context, opts *GCOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	d, err := opts.Deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if opts.Stale {
		stale, err := d.Stale(ctx)
		if err != nil {
			return err
		}
		for _, s := range stale {
			if err := d.RemoveSession(ctx, s.ID); err != nil {
				return err
			}
			fmt.Fprintf(opts.Deps.IO.Out, "removed session %s of %s (process %d gone; created %s; %d containers)\n",
				s.ID, s.Lab, s.PID, s.Created.Local().Format("2006-01-02 15:04"), s.Containers)
		}
		fmt.Fprintf(opts.Deps.IO.Out, "removed %d stale sessions\n", len(stale))
		return nil
	}
	left, err := d.GC(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Deps.IO.Out, "removed %d containers, %d networks\n", left.Containers, left.Networks)
	return nil
}
