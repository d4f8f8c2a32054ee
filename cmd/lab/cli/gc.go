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
}

// NewCmdGC builds `lab gc`. runF replaces gcRun in tests.
func NewCmdGC(deps *Deps, runF func(context.Context, *GCOptions) error) *cobra.Command {
	opts := &GCOptions{Deps: deps}
	return &cobra.Command{
		Use:   "gc",
		Short: "Remove every container and network labrunner left behind",
		Long: `gc force-removes every container and network carrying labrunner's labels on
this Docker engine, including running labs started with 'lab start'.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return gcRun(cmd.Context(), opts)
		},
	}
}

func gcRun(ctx context.Context, opts *GCOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	d, err := opts.Deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	left, err := d.GC(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Deps.IO.Out, "removed %d containers, %d networks\n", left.Containers, left.Networks)
	return nil
}
