package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
)

// StartOptions are the inputs of `lab start`.
type StartOptions struct {
	Deps *Deps
	// Lab is the lab id.
	Lab string
	// Dir is the workspace folder; default ./<lab>.
	Dir string
}

// NewCmdStart builds `lab start`.
func NewCmdStart(deps *Deps, runF func(context.Context, *StartOptions) error) *cobra.Command {
	opts := &StartOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "start <lab> [dir]",
		Short: "Create a workspace for a lab and start its services",
		Long: `start creates a workspace folder (default ./<lab>) with the task (README.md) and
the starter files, starts the lab's services, and prints how to connect to
them. Files already in the folder are kept. Run the other commands (check,
hint, reset, stop) inside the workspace.`,
		Args: usageArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Lab = args[0]
			if len(args) > 1 {
				opts.Dir = args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return startRun(cmd.Context(), opts)
		},
	}
	addPullFlag(cmd, deps)
	return cmd
}

func startRun(ctx context.Context, opts *StartOptions) error {
	deps := opts.Deps
	lab, err := deps.LoadLab(opts.Lab, deps.Catalog)
	if err != nil {
		return err
	}
	dir := opts.Dir
	if dir == "" {
		dir = lab.ID
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	ws, err := workspace.Open(dir)
	switch {
	case err == nil && ws.State.Lab != lab.ID:
		return &UsageError{Err: fmt.Errorf("%s is a workspace of lab %q; choose another folder", dir, ws.State.Lab)}
	case err == nil && ws.State.Session != "":
		d, err := deps.Driver(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		if env, err := d.AttachLab(ctx, lab, ws.State.Session); err == nil {
			fmt.Fprintf(deps.IO.ErrOut, "%s is already running in %s\n", lab.ID, dir)
			printConnections(deps, env)
			return nil
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	case err != nil:
		ws = &workspace.Workspace{Dir: dir, State: workspace.State{Lab: lab.ID, Catalog: deps.Catalog}}
	}
	created, err := populateWorkspace(dir, lab.FS())
	if err != nil {
		return fmt.Errorf("create workspace: %w", err)
	}

	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(deps.IO.ErrOut, "starting %s …\n", lab.ID)
	t0 := time.Now()
	env, err := d.StartLab(ctx, lab, true)
	if err != nil {
		return err
	}
	ws.State.Session = env.SessionID()
	ws.State.Started = time.Now().UTC()
	if err := ws.Save(); err != nil {
		env.Close(ctx)
		return fmt.Errorf("save workspace: %w", err)
	}
	rel, err := filepath.Rel(mustGetwd(), dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = dir
	}
	fmt.Fprintf(deps.IO.ErrOut, "%s is ready (%s)\n", lab.ID, since(t0))
	fmt.Fprintf(deps.IO.Out, "workspace %s\n", dir)
	for _, f := range created {
		fmt.Fprintf(deps.IO.Out, "  + %s\n", f)
	}
	fmt.Fprintln(deps.IO.Out, "services")
	printConnections(deps, env)
	fmt.Fprintf(deps.IO.Out, "next: cd %s, read README.md, edit your files, then `lab check`\n", rel)
	return nil
}

func mustGetwd() string {
	wd, _ := os.Getwd()
	return wd
}

// populateWorkspace copies README.md and the starter files into dir,
// keeping files that already exist, and returns what it created.
func populateWorkspace(dir string, files fs.FS) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var created []string
	copyOne := func(src, name string) error {
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Stat(dst); err == nil {
			return nil
		}
		b, err := fs.ReadFile(files, src)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
		created = append(created, name)
		return nil
	}
	if err := copyOne("README.md", "README.md"); err != nil {
		return nil, err
	}
	starter := "starter"
	err := fs.WalkDir(files, starter, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		return copyOne(p, p[len(starter)+1:])
	})
	return created, err
}
