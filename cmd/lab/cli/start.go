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
	// Lab is the lab id; "" resumes the workspace of the current folder.
	Lab string
	// Dir is the workspace folder; default the workspace the current
	// folder is in, else ./<lab>.
	Dir string
	// Track is the track `lab next` started the lab in; "" when it was
	// started by name.
	Track string
	// Progress is the learner's progress, already read (by `lab next`);
	// nil reads it.
	Progress *workspace.Progress
}

// NewCmdStart builds `lab start`.
func NewCmdStart(deps *Deps, runF func(context.Context, *StartOptions) error) *cobra.Command {
	opts := &StartOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "start [<lab>] [dir]",
		Short: "Create a workspace for a lab and start its services",
		Long: `start creates a workspace folder (default ./<lab>) with the task (README.md) and
the starter files, starts the lab's services, and prints how to connect to
them. Files already in the folder are kept. Run the other commands (check,
hint, reset, stop) inside the workspace.

Inside a workspace, 'lab start' (with or without its lab id) resumes it:
the services start again (or are shown, when they run), the files stay.`,
		Example: `  lab start sql-join         # workspace ./sql-join
  lab start sql-join ~/labs/joins
  lab --labs my-labs start joins
  lab start                  # in a workspace: resume it`,
		Args: usageArgs(cobra.RangeArgs(0, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Lab = args[0]
			}
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

// startTarget finds the workspace `lab start` works on: the one in
// opts.Dir, else the one the current folder is in, else ./<lab>. It
// returns the workspace with its lab, and whether it is new.
func startTarget(deps *Deps, opts *StartOptions) (*workspaceLab, bool, error) {
	var dir string
	if opts.Dir != "" {
		abs, err := filepath.Abs(opts.Dir)
		if err != nil {
			return nil, false, err
		}
		dir = abs
	} else {
		ws, err := workspace.Find(mustGetwd())
		switch {
		case err == nil && (opts.Lab == "" || opts.Lab == ws.State.Lab):
			w, err := loadWorkspaceLab(deps, ws)
			return w, false, err
		case err == nil:
			return nil, false, &UsageError{Err: fmt.Errorf("the current folder is in the workspace of lab %q (%s); to start %s, leave it or name a folder: lab start %s <dir>",
				ws.State.Lab, ws.Dir, opts.Lab, opts.Lab)}
		case !errors.Is(err, workspace.ErrNoWorkspace):
			return nil, false, err
		case opts.Lab == "":
			return nil, false, &UsageError{Err: errors.New("not in a lab workspace: name the lab to start, as in `lab start sql-join` (`lab list` shows them)")}
		}
		dir = filepath.Join(mustGetwd(), opts.Lab)
	}
	ws, err := workspace.Open(dir)
	switch {
	case err == nil && opts.Lab != "" && ws.State.Lab != opts.Lab:
		return nil, false, &UsageError{Err: fmt.Errorf("%s is a workspace of lab %q; choose another folder", dir, ws.State.Lab)}
	case err == nil:
		w, err := loadWorkspaceLab(deps, ws)
		return w, false, err
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, err
	case opts.Lab == "":
		return nil, false, &UsageError{Err: fmt.Errorf("%s is not a lab workspace: name the lab to start in it, as in `lab start sql-join %s`", dir, opts.Dir)}
	}
	lab, err := deps.LoadLab(opts.Lab, deps.Catalog)
	if err != nil {
		return nil, false, err
	}
	catalog, err := absCatalog(deps.Catalog)
	if err != nil {
		return nil, false, &UsageError{Err: err}
	}
	ws = &workspace.Workspace{Dir: dir, State: workspace.State{Lab: lab.ID, Catalog: catalog}}
	return &workspaceLab{ws: ws, lab: lab}, true, nil
}

func startRun(ctx context.Context, opts *StartOptions) error {
	deps := opts.Deps
	w, isNew, err := startTarget(deps, opts)
	if err != nil {
		return err
	}
	lab, ws, dir := w.lab, w.ws, w.ws.Dir
	if !isNew && ws.State.Session != "" {
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
	if isNew {
		fmt.Fprintf(deps.IO.ErrOut, "starting %s …\n", lab.ID)
	} else {
		fmt.Fprintf(deps.IO.ErrOut, "resuming %s in %s …\n", lab.ID, dir)
	}
	t0 := time.Now()
	env, err := d.StartWorkspace(ctx, lab, dir)
	if err != nil {
		return err
	}
	ws.State.Session = env.SessionID()
	ws.State.Started = time.Now().UTC()
	if err := ws.Save(); err != nil {
		env.Close(ctx)
		return fmt.Errorf("save workspace: %w", err)
	}
	fmt.Fprintf(deps.IO.ErrOut, "%s is ready (%s)\n", lab.ID, since(t0))
	recordStart(deps, opts, lab.ID)
	spawnSpares(deps, env, dir)
	fmt.Fprintf(deps.IO.Out, "workspace %s\n", dir)
	for _, f := range created {
		fmt.Fprintf(deps.IO.Out, "  + %s\n", f)
	}
	fmt.Fprintln(deps.IO.Out, "services")
	printConnections(deps, env)
	rel, err := filepath.Rel(mustGetwd(), dir)
	switch {
	case err == nil && rel == ".":
		fmt.Fprintln(deps.IO.Out, "next: read README.md, edit your files, then `lab check`")
	default:
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = dir
		}
		fmt.Fprintf(deps.IO.Out, "next: cd %s, read README.md, edit your files, then `lab check`\n", rel)
	}
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

// recordStart notes in the learner's progress that lab id was started (in
// opts.Track), for `lab list` and `lab next`. A progress file that cannot
// be written is a warning: the lab is running.
func recordStart(deps *Deps, opts *StartOptions, id string) {
	p := opts.Progress
	if p == nil {
		var err error
		if p, err = deps.progress(); err != nil {
			fmt.Fprintf(deps.IO.ErrOut, "lab: warning: progress not recorded: %v\n", err)
			return
		}
	}
	p.RecordStart(id, opts.Track, time.Now().UTC())
	if err := p.Save(); err != nil {
		fmt.Fprintf(deps.IO.ErrOut, "lab: warning: progress not recorded: %v\n", err)
	}
}
