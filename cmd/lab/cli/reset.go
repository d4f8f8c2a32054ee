package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// ResetOptions are the inputs of `lab reset`.
type ResetOptions struct {
	Deps *Deps
	Dir  string
	// Files restores the workspace's files to the starter instead.
	Files bool
}

// NewCmdReset builds `lab reset`.
func NewCmdReset(deps *Deps, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Reset the services to their seeded state, or your files to the starter",
		Long: `reset brings the running services back to their seeded state; your files are
not touched.

--files instead puts the files you edit back to the lab's starter, and
leaves the services alone (they need not run). Each file that differs from
its starter is first copied to .lab/backup/<date-time>/ in the workspace,
so nothing you wrote is lost; the command prints where.`,
		Example: `  lab reset            # the database (or cache, box…) back to its seeded state
  lab reset --files    # your files back to the starter; yours kept in .lab/backup/`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	cmd.Flags().BoolVar(&opts.Files, "files", false, "restore your files to the starter (after a backup), not the services")
	return cmd
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	w, unlock, err := openLockedWorkspace(opts.Deps, opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if opts.Files {
		return resetFiles(opts.Deps, w)
	}
	d, env, err := w.attachRunning(ctx, opts.Deps)
	if err != nil {
		return err
	}
	defer d.Close()
	defer spawnSpares(opts.Deps, env, w.ws.Dir)
	t0 := time.Now()
	if err := env.Reset(ctx); err != nil {
		return err
	}
	fmt.Fprintf(opts.Deps.IO.ErrOut, "%s reset to its seeded state (%s)\n", w.lab.ID, since(t0))
	return nil
}

// resetFiles restores the workspace's submission files to the starter,
// keeping a backup of the learner's.
func resetFiles(deps *Deps, w *workspaceLab) error {
	names := submissionNames(w.lab)
	starter := map[string][]byte{}
	for _, name := range names {
		b, err := fs.ReadFile(w.lab.FS(), path.Join("starter", name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		default:
			starter[name] = b
		}
	}
	res, err := w.ws.RestoreFiles(names, starter, time.Now())
	if err != nil {
		return err
	}
	out := deps.IO.ErrOut
	if len(res.Files) == 0 {
		fmt.Fprintln(out, "your files are the starter's already; nothing to restore")
		return nil
	}
	for _, f := range res.Files {
		if starter[f] == nil {
			fmt.Fprintf(out, "removed %s (the lab has no starter for it)\n", f)
		} else {
			fmt.Fprintf(out, "restored %s to the starter\n", f)
		}
	}
	backup := res.Backup
	if backup == "" {
		return nil
	}
	if rel, err := filepath.Rel(mustGetwd(), backup); err == nil && !strings.HasPrefix(rel, "..") {
		backup = rel
	}
	fmt.Fprintf(out, "your versions are in %s\n", backup)
	return nil
}
