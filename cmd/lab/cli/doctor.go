package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/images"
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
		Long: `doctor reports which Docker engine lab talks to and what runs it (Docker
Engine, Docker Desktop, colima, Podman's Docker-compatible socket, rootless
Docker, a remote engine), where published ports are dialled, which image each service kind
uses and whether it is present (a missing one is fetched when a lab first
needs it), and the registry images are pulled from. A present image set
by hand (images: in the config file, or LAB_IMAGE_<KIND>) is checked
against its kind's contract: the commands, users and paths lab relies on
inside it. It exits 0 when the engine answers and every image set by hand
passes, and 3 otherwise.`,
		Example: `  lab doctor
  DOCKER_HOST=tcp://build-host:2375 lab doctor`,
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
	eng, err := d.Engine(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "docker\t%s (engine %s, API %s)\n", d.Host(), eng.Version, eng.API)
	fmt.Fprintf(io.Out, "runtime\t%s\n", eng.Runtime.About())
	fmt.Fprintf(io.Out, "ports\t%s\n", eng.Endpoint.PortsAbout())
	registry, source := cfg.Registry, "default"
	if registry == "" {
		registry = images.DefaultRegistry
	}
	if opts.Deps.Getenv("LAB_REGISTRY") != "" {
		source = "LAB_REGISTRY"
	} else if cfg.Registry != "" {
		source = cfg.Path
	}
	fmt.Fprintf(io.Out, "registry\t%s (%s)\n", registry, source)

	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	var fetch, fetchHand []string
	var lacking []error
	for _, kind := range runner.Kinds() {
		image := cfg.Image(kind)
		ok, err := d.ImagePresent(ctx, image)
		if err != nil {
			return err
		}
		mark, note := p.Green("✓"), "present"
		if !ok {
			mark, note = p.Yellow("○"), "fetched on first use"
			if cfg.HandSet(kind) {
				fetchHand = append(fetchHand, kind)
			} else {
				fetch = append(fetch, kind)
			}
		}
		if cfg.HandSet(kind) {
			note += ", set by hand"
			if src := cfg.ImageSource(kind); src != "" {
				note += " (" + src + ")"
			}
		}
		if ok && cfg.HandSet(kind) {
			lacks, err := d.CheckImage(ctx, kind, image)
			if err != nil {
				return err
			}
			if !lacks.OK() {
				mark, note = p.Red("✗"), note+"; lacks "+lacks.String()
				lacking = append(lacking, &runner.ContractError{Kind: kind, Image: image, Source: cfg.ImageSource(kind), Lacks: lacks})
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", mark, kind, image, note)
	}
	tw.Flush()
	for _, e := range lacking {
		fmt.Fprintf(io.Out, "image check\t%v\n", e)
	}
	if len(fetch) > 0 {
		fmt.Fprintf(io.Out, "missing images\t%s: pulled from %s, else built from lab's embedded Dockerfiles, when a lab first needs them; `lab images pull` fetches them now\n", strings.Join(fetch, ", "), registry)
	}
	if len(fetchHand) > 0 {
		fmt.Fprintf(io.Out, "missing images\t%s: set by hand, pulled from their registry when a lab first needs them (and checked against the kind's contract); `lab images pull` fetches them now\n", strings.Join(fetchHand, ", "))
	}

	containers, networks, err := d.List(ctx, engine.LabelManaged+"=true")
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "labrunner objects\t%d containers, %d networks (remove all with `lab gc`)\n", len(containers), len(networks))

	if len(lacking) > 0 {
		fmt.Fprintln(io.ErrOut, p.Red("not ready: an image set by hand lacks what lab needs"))
		return &ExitError{Code: ExitEnvironment}
	}
	fmt.Fprintln(io.ErrOut, p.Green("ready"))
	return nil
}
