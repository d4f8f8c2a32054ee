package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/runner"
)

// WatchOptions are the inputs of `lab watch`.
type WatchOptions struct {
	Deps *Deps
	Dir  string
	// Debounce is how long to wait after the last change before checking.
	Debounce time.Duration
}

// NewCmdWatch builds `lab watch`.
func NewCmdWatch(deps *Deps, runF func(context.Context, *WatchOptions) error) *cobra.Command {
	opts := &WatchOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Check again every time you save a file",
		Long: `watch runs 'lab check' once, then again whenever one of your solution files
changes (several saves in quick succession make one check). Stop it with
Ctrl-C. It starts the lab's services if they are not running and leaves
them running.`,
		Example: `  lab watch
  lab watch --debounce 1s`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return watchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	cmd.Flags().DurationVar(&opts.Debounce, "debounce", 300*time.Millisecond, "quiet time after a change before checking")
	addPullFlag(cmd, deps)
	return cmd
}

func watchRun(ctx context.Context, opts *WatchOptions) error {
	deps := opts.Deps
	w, unlock, err := openLockedWorkspace(deps, opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	env, _ := w.attach(ctx, d)
	if env == nil {
		fmt.Fprintf(deps.IO.ErrOut, "starting %s …\n", w.lab.ID)
		if env, err = d.StartWorkspace(ctx, w.lab, w.ws.Dir); err != nil {
			return err
		}
		w.ws.State.Session, w.ws.State.Started = env.SessionID(), time.Now().UTC()
		if err := w.ws.Save(); err != nil {
			return err
		}
	}
	// Each check's reset is a swap to a spare made meanwhile.
	if sparesOn(deps) {
		defer env.KeepSpares()()
	}
	watcher, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer watcher.Close()
	// Watch the folders of the solution files: editors often save by
	// renaming a new file over the old one, which a watch on the file
	// itself would lose.
	names := map[string]bool{}
	dirs := map[string]bool{}
	for _, n := range submissionNames(w.lab) {
		p := filepath.Join(w.ws.Dir, filepath.FromSlash(n))
		names[p] = true
		dirs[filepath.Dir(p)] = true
	}
	for dir := range dirs {
		if err := watcher.Add(dir); err != nil {
			return err
		}
	}
	check := func() {
		sub, err := w.ws.ReadFiles(submissionNames(w.lab))
		if err != nil {
			fmt.Fprintf(deps.IO.ErrOut, "lab: %v\n", err)
			return
		}
		fmt.Fprintf(deps.IO.ErrOut, "\n── %s checking …\n", time.Now().Format("15:04:05"))
		spin := newSpinner(deps.IO.ErrOut, deps.IO.ErrTTY)
		rep, err := env.Check(ctx, sub, runner.CheckOptions{Name: "workspace", Started: spin.start})
		spin.stop()
		if ctx.Err() != nil {
			// Ctrl-C during a check ends the watch; its report is moot.
			return
		}
		if err != nil {
			// The engine's own text only under -v, as for any command.
			fmt.Fprint(deps.IO.ErrOut, errorText(err, deps.Verbose))
			return
		}
		renderReport(deps, *rep, "terminal")
		if err := recordCheck(deps, w, rep); err != nil {
			fmt.Fprintf(deps.IO.ErrOut, "lab: %v\n", err)
		}
		fmt.Fprintln(deps.IO.ErrOut, "── waiting for changes (Ctrl-C to stop)")
	}
	check()
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-watcher.Events:
			if !ok {
				return nil
			}
			if names[ev.Name] && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
				timer = time.After(opts.Debounce)
			}
		case err := <-watcher.Errors:
			fmt.Fprintf(deps.IO.ErrOut, "lab: watch: %v\n", err)
		case <-timer:
			timer = nil
			check()
		}
	}
}
