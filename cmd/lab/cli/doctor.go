package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// DoctorOptions are the inputs of `lab doctor`.
type DoctorOptions struct {
	Deps *Deps
}

// NewCmdDoctor builds `lab doctor`. runF replaces doctorRun in tests.
func NewCmdDoctor(deps *Deps, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{Deps: deps}
	return &cobra.Command{
		Use:   "doctor",
		Short: "Report the Docker engine, the configured images and what is missing",
		Long: `doctor reports which Docker engine lab talks to, which image each service kind
uses and whether it is present, and the command that fixes what is missing.
It exits 0 when everything is ready and 3 otherwise.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
}

func doctorRun(ctx context.Context, opts *DoctorOptions) error {
	io := opts.Deps.IO
	p := io.Palette()
	cfg, err := opts.Deps.Config()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	d, err := opts.Deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	ver, api, err := d.ServerVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "docker\t%s (engine %s, API %s)\n", d.Host(), ver, api)
	set := cfg.ImageSet
	if set == "" {
		set = runner.DefaultImageSet
	}
	source := "default"
	if cfg.Path != "" {
		source = cfg.Path
	}
	if opts.Deps.Getenv("LAB_IMAGE_SET") != "" {
		source = "LAB_IMAGE_SET"
	}
	fmt.Fprintf(io.Out, "image set\t%s (%s)\n", set, source)

	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	var missing []string
	for _, kind := range runner.Kinds() {
		image := cfg.Image(kind)
		ok, err := d.ImagePresent(ctx, image)
		if err != nil {
			return err
		}
		mark, note := p.Green("✓"), "present"
		if !ok {
			mark, note = p.Red("✗"), "missing: "+imageFix(cfg, kind, image)
			missing = append(missing, string(kind))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", mark, kind, image, note)
	}
	tw.Flush()

	containers, networks, err := d.List(ctx, engine.LabelManaged+"=true")
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "labrunner objects\t%d containers, %d networks (remove all with `lab gc`)\n", len(containers), len(networks))

	if len(missing) > 0 {
		return &runner.EnvError{Err: fmt.Errorf("not ready: image missing for %s; see the fix beside each ✗ above", strings.Join(missing, ", "))}
	}
	fmt.Fprintln(io.ErrOut, p.Green("ready"))
	return nil
}

// imageFix says how to get a missing image.
func imageFix(cfg runner.Config, kind runner.Kind, image string) string {
	offline := runner.Config{ImageSet: runner.ImageSetOffline}
	if image == offline.Image(kind) {
		return "run `make images` in a labrunner checkout"
	}
	return fmt.Sprintf("run `docker pull %s`, or `make images` and LAB_IMAGE_SET=offline where no registry is reachable", image)
}
