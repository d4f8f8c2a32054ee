package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/labrunner/labrunner/runner/engine"
)

// ShellOptions are the inputs of `lab shell`.
type ShellOptions struct {
	Deps    *Deps
	Service string
	Dir     string
}

// NewCmdShell builds `lab shell`.
func NewCmdShell(deps *Deps, runF func(context.Context, *ShellOptions) error) *cobra.Command {
	opts := &ShellOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "shell <service>",
		Short: "Open psql, redis-cli or a shell inside a running service",
		Long: `shell opens an interactive client inside a service of the running lab: psql
as the learner in the lab database for postgres, redis-cli for redis, and a
shell otherwise. Leave it with \q, quit or exit.

In a runtime service (where your program runs) the shell starts in /app,
with your files copied in as they are now: you can run what you are
editing without a check first.`,
		Example: `  lab shell db     # psql in the lab database, as the learner
  lab shell cache  # redis-cli
  lab shell app    # a shell beside your program, in /app`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Service = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return shellRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

func shellRun(ctx context.Context, opts *ShellOptions) error {
	deps := opts.Deps
	w, err := openWorkspace(deps, opts.Dir)
	if err != nil {
		return err
	}
	d, env, err := w.attachRunning(ctx, deps)
	if err != nil {
		return err
	}
	defer d.Close()
	cmdline, cmdenv, err := env.ShellCommand(opts.Service)
	if err != nil {
		return &UsageError{Err: err}
	}
	in, ok := deps.IO.In.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return &UsageError{Err: fmt.Errorf("lab shell needs a terminal")}
	}
	// The shell runs the learner's files as they are now, not the copies
	// of the last check.
	sub, err := w.ws.ReadFiles(submissionNames(w.lab))
	if err != nil {
		return err
	}
	if err := env.SyncFiles(ctx, opts.Service, sub); err != nil {
		return err
	}
	fd := int(in.Fd())
	width, height, _ := term.GetSize(fd)
	old, err := term.MakeRaw(fd)
	if err != nil {
		return err
	}
	defer term.Restore(fd, old)
	resize := make(chan [2]uint, 1)
	winch := make(chan os.Signal, 1)
	notifyResize(winch)
	defer signal.Stop(winch)
	go func() {
		for range winch {
			if w, h, err := term.GetSize(fd); err == nil {
				resize <- [2]uint{uint(w), uint(h)}
			}
		}
	}()
	code, err := env.Interactive(ctx, opts.Service, cmdline, cmdenv, engine.Terminal{
		In: in, Out: deps.IO.Out, Width: uint(width), Height: uint(height), Resize: resize,
	})
	if err != nil {
		return err
	}
	if code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}
