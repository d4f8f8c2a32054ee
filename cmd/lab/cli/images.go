package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// NewCmdImages builds `lab images` and its subcommands. They work on the
// real engine only: their tests are integration tests.
func NewCmdImages(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "images",
		Short: "List, fetch, build and move the images labs run on",
		Long: `images manages the images of the service kinds. labrunner's own images are
built from Dockerfiles compiled into lab, and tagged with a hash of them; an
image a lab needs arrives by itself on first use (pulled from the registry,
LAB_REGISTRY or registry: in the config file, else built locally), so these
commands are for doing it ahead of time, for a mirror, or for a classroom
without internet.`,
		Example: `  lab images list
  lab images pull sql-join
  lab images save labrunner-images.tar`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newCmdImagesList(deps),
		newCmdImagesPull(deps),
		newCmdImagesBuild(deps),
		newCmdImagesPush(deps),
		newCmdImagesSave(deps),
		newCmdImagesLoad(deps),
		newCmdImagesContext(deps),
		newCmdImagesPrune(deps),
	)
	return cmd
}

// imagesDriver connects to the engine for `lab images`.
func imagesDriver(ctx context.Context, deps *Deps) (*runner.Driver, error) {
	cfg, err := deps.Config()
	if err != nil {
		return nil, err
	}
	return deps.runnerDriver(ctx, cfg)
}

func newCmdImagesList(deps *Deps) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Show the image of every service kind, whether it is present and its size",
		Example: `  lab images list
  lab images list --format json | jq -r '.[].ref'`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return &UsageError{Err: fmt.Errorf("--format %q: want table or json", format)}
			}
			d, err := imagesDriver(cmd.Context(), deps)
			if err != nil {
				return err
			}
			defer d.Close()
			rows, err := d.ImageRows(cmd.Context())
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(deps.IO.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			writeImageRows(deps.IO.Out, rows)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

func writeImageRows(w io.Writer, rows []runner.ImageRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tIMAGE\tPRESENT\tSIZE")
	for _, r := range rows {
		present, size := "no", "-"
		if r.Present {
			present, size = "yes", images.HumanSize(r.Size)
		}
		ref := r.Ref
		if r.HandSet {
			ref += " (set by hand)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Kind, ref, present, size)
	}
	tw.Flush()
}

func newCmdImagesPull(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pull [LAB...]",
		Short: "Fetch the images of these labs (default: every kind) ahead of first use",
		Long: `pull makes the images of the named labs present (every kind's, without a lab):
each missing one is pulled from the registry, and one of labrunner's images
that can't be pulled is built from its embedded Dockerfile. --pull always
pulls present images too.`,
		Example: `  lab images pull
  lab images pull sql-join redis-cache-aside
  LAB_REGISTRY=registry.example.edu/labrunner lab images pull`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var labList []*labs.Lab
			for _, id := range args {
				lab, err := deps.LoadLab(id, deps.Catalog)
				if err != nil {
					return err
				}
				labList = append(labList, lab)
			}
			d, err := imagesDriver(ctx, deps)
			if err != nil {
				return err
			}
			defer d.Close()
			if len(labList) == 0 {
				err = d.PullImages(ctx)
			} else {
				err = pullLabImages(ctx, d, labList)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(deps.IO.ErrOut, "images ready")
			return nil
		},
	}
	addPullFlag(cmd, deps)
	return cmd
}

func pullLabImages(ctx context.Context, d *runner.Driver, labList []*labs.Lab) error {
	var specs []engine.ServiceSpec
	for _, lab := range labList {
		s, err := d.LabImageSpecs(lab)
		if err != nil {
			return err
		}
		specs = append(specs, s...)
	}
	return d.EnsureImages(ctx, specs...)
}

func newCmdImagesBuild(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "build [KIND...]",
		Short: "Build labrunner's images from the Dockerfiles compiled into lab",
		Long: `build builds labrunner's image of each kind (every kind without arguments)
from its embedded Dockerfile, FROM debian:bookworm-slim, or, where that can't
be pulled and the machine is Debian as root, from a base made with
debootstrap. The engine's build cache makes an unchanged image take seconds.
Kinds whose image is set by hand are skipped.`,
		Example: `  lab images build
  lab images build postgres redis`,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := imagesDriver(cmd.Context(), deps)
			if err != nil {
				return err
			}
			defer d.Close()
			skipped, err := d.BuildImages(cmd.Context(), args...)
			for _, k := range skipped {
				fmt.Fprintf(deps.IO.ErrOut, "%s: image set by hand (%s); not built\n", k, d.Config().Image(k))
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(deps.IO.ErrOut, "images built")
			return nil
		},
	}
	return cmd
}

func newCmdImagesPush(deps *Deps) *cobra.Command {
	var registry string
	cmd := &cobra.Command{
		Use:   "push --registry R",
		Short: "Push labrunner's images to a registry, such as a classroom mirror",
		Long: `push copies labrunner's images to registry R under the names and tags lab
pulls them by (R/<name>:<tag>), fetching missing ones first. Learners then set
LAB_REGISTRY=R (or registry: R in the config file). Log in first with
docker login when R needs it.`,
		Example: `  lab images push --registry registry.example.edu/labrunner
  LAB_REGISTRY=registry.example.edu/labrunner lab start sql-join`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if registry == "" {
				return &UsageError{Err: fmt.Errorf("push needs --registry, the registry and path to push to (host[:port]/path)")}
			}
			if strings.Contains(registry, "://") {
				return &UsageError{Err: fmt.Errorf("--registry %q: give host[:port]/path, without a scheme", registry)}
			}
			d, err := imagesDriver(cmd.Context(), deps)
			if err != nil {
				return err
			}
			defer d.Close()
			pushed, err := d.PushImages(cmd.Context(), registry)
			for _, ref := range pushed {
				fmt.Fprintln(deps.IO.Out, ref)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&registry, "registry", "", "registry and path to push to (host[:port]/path)")
	return cmd
}

func newCmdImagesSave(deps *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "save FILE",
		Short: "Write every kind's image to one tarball, for machines without a registry",
		Example: `  lab images save labrunner-images.tar
  lab images load labrunner-images.tar     # on the classroom machine`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := imagesDriver(cmd.Context(), deps)
			if err != nil {
				return err
			}
			defer d.Close()
			refs, n, err := d.SaveImages(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(deps.IO.ErrOut, "saved %d images to %s (%s)\n", len(refs), args[0], images.HumanSize(n))
			return nil
		},
	}
}

func newCmdImagesLoad(deps *Deps) *cobra.Command {
	return &cobra.Command{
		Use:     "load FILE",
		Short:   "Load a tarball written by `lab images save`",
		Example: `  lab images load labrunner-images.tar`,
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := imagesDriver(cmd.Context(), deps)
			if err != nil {
				return err
			}
			defer d.Close()
			loaded, err := d.LoadImages(cmd.Context(), args[0])
			for _, ref := range loaded {
				fmt.Fprintln(deps.IO.Out, ref)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(deps.IO.ErrOut, "loaded %d images\n", len(loaded))
			return nil
		},
	}
}

func newCmdImagesContext(deps *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "context NAME",
		Short: "Write the build context of one of labrunner's images as a tar stream",
		Long: `context writes the build context of image NAME (postgres, redis, nginx, box,
python, backend) to stdout as a tar stream, for docker buildx build - (the
release workflow builds the multi-arch images this way).`,
		Example: `  lab images context postgres | docker build -t my/postgres -`,
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, ok := images.Lookup(args[0])
			if !ok {
				var names []string
				for _, i := range images.All() {
					names = append(names, i.Name)
				}
				return &UsageError{Err: fmt.Errorf("no image %q (known: %s)", args[0], strings.Join(names, ", "))}
			}
			r, err := img.Context()
			if err != nil {
				return err
			}
			_, err = io.Copy(deps.IO.Out, r)
			return err
		},
	}
}

func newCmdImagesPrune(deps *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "prune",
		Short: "Remove labrunner's images that an earlier version of lab left",
		Long: `prune removes the local images of labrunner's set (under the configured
registry) whose tags are not the ones this lab uses: an upgraded lab hashes
its Dockerfiles differently, and the old images are never used again. Images
a container still uses are kept. Images set by hand are never touched.`,
		Example: `  lab images prune`,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := imagesDriver(cmd.Context(), deps)
			if err != nil {
				return err
			}
			defer d.Close()
			removed, err := d.PruneImages(cmd.Context())
			for _, ref := range removed {
				fmt.Fprintln(deps.IO.Out, ref)
			}
			fmt.Fprintf(deps.IO.ErrOut, "removed %d images\n", len(removed))
			return err
		},
	}
}
