// Package cli holds the lab command tree: one file per command, each with
// an options struct, a NewCmdX constructor whose RunE only fills the
// options, and an xRun function that does the work.
package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/runner"
)

// Deps are what commands depend on: streams, environment, and a lazily made
// Docker driver, so that commands that need no Docker never connect.
type Deps struct {
	IO      *IOStreams
	Getenv  func(string) string
	Version string
	// Verbose is set by --verbose.
	Verbose bool
	// Catalog is the catalog folder (--labs, LAB_CATALOG); "" is the
	// bundled catalog.
	Catalog string
	// CatalogFlag is set when Catalog came from --labs on the command
	// line: it then wins over the catalog a workspace remembers.
	CatalogFlag bool
	// Pull is --pull of the commands that start services: when images
	// are fetched (missing, never, always).
	Pull string
	// NewDriver connects to the container engine; nil means
	// runner.NewDriver with the loaded configuration. Tests in this
	// package set it to a fake.
	NewDriver func(ctx context.Context) (labDriver, error)
	// Spawn runs this program with args in the background without
	// waiting (spare.go); nil means re-running the executable.
	Spawn func(args ...string) error
}

// Driver connects to the Docker engine with the configured images. The
// caller must close it.
func (d *Deps) Driver(ctx context.Context) (labDriver, error) {
	newDriver := d.NewDriver
	if newDriver == nil {
		newDriver = d.dockerDriver
	}
	drv, err := newDriver(ctx)
	if err != nil {
		return nil, err
	}
	// What a killed or crashed run left behind is found on the next run.
	if stale, err := drv.Stale(ctx); err == nil && len(stale) > 0 {
		fmt.Fprintf(d.IO.ErrOut, "note: %d sessions of lab commands that are gone still have containers; `lab gc --stale` removes them\n", len(stale))
	}
	return drv, nil
}

// dockerDriver connects to Docker with the loaded configuration.
func (d *Deps) dockerDriver(ctx context.Context) (labDriver, error) {
	cfg, err := d.Config()
	if err != nil {
		return nil, err
	}
	drv, err := d.runnerDriver(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return runnerDriver{drv}, nil
}

// runnerDriver connects to Docker with cfg, fetching images as --pull
// says and showing their progress on stderr.
func (d *Deps) runnerDriver(ctx context.Context, cfg runner.Config) (*runner.Driver, error) {
	pull, err := images.ParsePolicy(d.Pull)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	cfg.Pull = pull
	cfg.Progress = images.NewProgress(d.IO.ErrOut, d.IO.ErrTTY)
	return runner.NewDriver(ctx, cfg)
}

// addPullFlag gives a command that starts services the --pull flag.
func addPullFlag(cmd *cobra.Command, d *Deps) {
	cmd.Flags().StringVar(&d.Pull, "pull", string(images.PullMissing), "when to fetch images: missing, never or always")
}

// Config loads the image configuration.
func (d *Deps) Config() (runner.Config, error) {
	cfg, err := runner.LoadConfig(d.Getenv)
	if err != nil {
		return cfg, &UsageError{Err: err}
	}
	return cfg, nil
}

// NewCmdRoot builds the lab command tree.
func NewCmdRoot(deps *Deps) *cobra.Command {
	var noColor bool
	root := &cobra.Command{
		Use:   "lab",
		Short: "Hands-on backend practice labs on disposable containers",
		Long: `lab runs hands-on backend practice labs: for each exercise it starts disposable
Postgres, Redis and Nginx containers (and a Linux box), lets you work, and
grades your solution with automated checks.`,
		Example: `  lab list
  lab start sql-join && cd sql-join
  lab check
  lab completion bash > ~/.local/share/bash-completion/completions/lab`,
		Version:       versionString(deps.Version),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			io := deps.IO
			io.Color = io.OutTTY && !noColor && deps.Getenv("NO_COLOR") == "" && deps.Getenv("TERM") != "dumb"
			deps.CatalogFlag = cmd.Flags().Changed("labs")
			if deps.Catalog == "" {
				deps.Catalog = deps.Getenv("LAB_CATALOG")
			}
			return nil
		},
	}
	root.SetIn(deps.IO.In)
	root.SetOut(deps.IO.Out)
	root.SetErr(deps.IO.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &UsageError{Err: fmt.Errorf("%w\nSee '%s --help'.", err, cmd.CommandPath())}
	})
	root.PersistentFlags().BoolVarP(&deps.Verbose, "verbose", "v", false, "print more about what happens")
	root.PersistentFlags().BoolVar(&noColor, "no-color", false, "no colour in output (also: NO_COLOR=1)")
	root.PersistentFlags().StringVar(&deps.Catalog, "labs", "", "lab catalog folder (default: $LAB_CATALOG, else the bundled labs)")

	root.AddCommand(
		NewCmdDoctor(deps, nil),
		NewCmdGC(deps, nil),
		NewCmdStart(deps, nil),
		NewCmdNext(deps, nil),
		NewCmdCheck(deps, nil),
		NewCmdWatch(deps, nil),
		NewCmdHint(deps, nil),
		NewCmdReset(deps, nil),
		NewCmdStop(deps, nil),
		NewCmdStatus(deps, nil),
		NewCmdPS(deps, nil),
		NewCmdShell(deps, nil),
		NewCmdGrade(deps, nil),
		NewCmdTest(deps, nil),
		NewCmdList(deps, nil),
		NewCmdShow(deps, nil),
		NewCmdValidate(deps, nil),
		NewCmdSchema(deps, nil),
		NewCmdImages(deps),
		NewCmdNew(deps, nil),
		NewCmdSpare(deps, nil),
		newExitCodesTopic(),
	)
	addBuiltinExamples(root)
	registerCompletions(root, deps)
	return root
}

// Main runs the lab command with args and returns the process exit code.
// Errors are printed here, once; commands that printed their own report
// return an ExitError.
//
// LAB_TRACE=1 prints the time of each phase of the command (starting the
// services, seeding, each step of a check, removing them; see package
// internal/phase) on stderr as it ends, and the whole command's last.
func Main(ctx context.Context, args []string, deps *Deps) int {
	if phase.Enabled(deps.Getenv("LAB_TRACE")) {
		phase.Enable(deps.IO.ErrOut)
		defer phase.Enable(nil)
		defer phase.Begin("total")()
	}
	root := NewCmdRoot(deps)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		// Whatever the command made of the interruption (an engine's
		// "context canceled", a report of errored checks), the run was
		// interrupted, and its deferred cleanup has run: one line says
		// so, the rest only under -v.
		if deps.Verbose {
			fmt.Fprintf(deps.IO.ErrOut, "lab: %v\n", err)
		}
		fmt.Fprintln(deps.IO.ErrOut, interruptedLine)
		return ExitInterrupted
	}
	var ee *ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprint(deps.IO.ErrOut, errorText(err, deps.Verbose))
	}
	return ExitCode(err)
}
