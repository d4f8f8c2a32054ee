package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/labs"
)

// ValidateOptions are the inputs of `lab validate`.
type ValidateOptions struct {
	Deps *Deps
	// Paths are lab folders, catalog folders, lab.yaml or tracks.yaml
	// files; none means the catalog in use.
	Paths []string
}

// NewCmdValidate builds `lab validate`. runF replaces validateRun in tests.
func NewCmdValidate(deps *Deps, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{Deps: deps}
	return &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check lab definitions and tracks without Docker",
		Long: `validate loads lab definitions strictly and reports every problem as
path:line:col: message — unknown fields, unknown check types, checks on
undeclared services, needs that form a cycle, files that do not exist.

Each PATH is a lab folder (it holds lab.yaml), a catalog folder (one folder
per lab) or a lab.yaml. Without PATH it validates the catalog in use: --labs,
else LAB_CATALOG, else the bundled labs. It needs no Docker.

A catalog's tracks.yaml is validated with it: unknown keys, a duplicate
track id, a track with no labs, a lab that is not in the catalog or is
twice in a track, requires naming unknown labs or forming a cycle. A PATH
that is a tracks.yaml validates that file alone, its labs checked against
the folders beside it.

It prints one line per valid lab (and "tracks.yaml: ok (N tracks)") and
exits 0, or prints every problem and exits 2.`,
		Example: `  lab validate labs/sql-join
  lab validate labs/
  lab validate labs/tracks.yaml
  lab validate`,
		Args: usageArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return validateRun(cmd.Context(), opts)
		},
	}
}

func validateRun(_ context.Context, opts *ValidateOptions) error {
	io := opts.Deps.IO
	var all []*labs.Lab
	var errs labs.Errors
	var tracks []validTracks
	addErr := func(err error) error {
		var es labs.Errors
		if errors.As(err, &es) {
			errs = append(errs, es...)
		} else if err != nil {
			return err
		}
		return nil
	}
	add := func(ls []*labs.Lab, err error) error {
		all = append(all, ls...)
		return addErr(err)
	}
	if len(opts.Paths) == 0 {
		ls, err := opts.Deps.loadCatalog()
		if err := add(ls, err); err != nil {
			return err
		}
		t, err := opts.Deps.loadTracks(ls)
		if err := addErr(err); err != nil {
			return err
		}
		tracks = appendTracks(tracks, opts.Deps.tracksPath(), t)
	}
	for _, p := range opts.Paths {
		if isTracksFile(p) {
			t, err := loadTracksFile(p)
			if err := addErr(err); err != nil {
				return err
			}
			tracks = appendTracks(tracks, p, t)
			continue
		}
		ls, catalog, err := loadPath(p)
		if err := add(ls, err); err != nil {
			return err
		}
		if catalog {
			t, err := labs.LoadTracksDir(p, ls)
			if err := addErr(err); err != nil {
				return err
			}
			tracks = appendTracks(tracks, filepath.Join(p, labs.TracksFile), t)
		}
	}
	if len(opts.Paths) > 1 {
		// Within one catalog the loader reports these itself.
		var es labs.Errors
		if errors.As(labs.DuplicateIDs(all), &es) {
			errs = append(errs, es...)
		}
	}
	p := io.Palette()
	for _, l := range all {
		if io.OutTTY {
			fmt.Fprintf(io.Out, "%s %s\n", p.Green("✓"), l.ID)
		} else {
			fmt.Fprintf(io.Out, "ok\t%s\n", l.ID)
		}
	}
	printValidTracks(io, tracks)
	if len(errs) > 0 {
		return printDefinitionErrors(io.ErrOut, errs)
	}
	return nil
}

// loadPath loads what path names: a lab folder, a catalog folder or a
// lab.yaml. catalog is set when path is a catalog folder.
func loadPath(path string) (_ []*labs.Lab, catalog bool, _ error) {
	info, err := os.Stat(path)
	if err != nil {
		msg := "cannot read: " + err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such file or folder"
		}
		return nil, false, labs.Errors{{Path: path, Msg: msg}}
	}
	if !info.IsDir() {
		if filepath.Base(path) != labs.FileName {
			return nil, false, labs.Errors{{Path: path, Msg: "not a lab folder, a catalog folder, a lab.yaml or a tracks.yaml"}}
		}
		path = filepath.Dir(path)
	} else if _, err := os.Lstat(filepath.Join(path, labs.FileName)); err != nil {
		ls, err := labs.LoadCatalogDir(path)
		return ls, true, err
	}
	l, err := labs.LoadDir(path)
	if err != nil {
		return nil, false, err
	}
	return []*labs.Lab{l}, false, nil
}
