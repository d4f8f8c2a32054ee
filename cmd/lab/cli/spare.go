package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
)

// A box's reset is a swap to a spare box prepared ahead of time
// (runner/box_spare.go). `lab start`, `lab check` and `lab reset` are
// short processes: rather than make the learner wait for the next spare,
// each starts `lab spare -C <workspace>` in the background once its own
// work is done, and exits; the spare command prepares what is missing and
// exits too. The next check or reset adopts the spare (or waits for the
// one being prepared, which is never slower than starting a box itself).
//
// The spare command holds the workspace's spare lock while it works, and
// `lab stop` takes that lock before it removes the session, so that a
// spare is never created after its session was stopped. It does not take
// the workspace's own lock: a check may run meanwhile. LAB_SPARES=0 turns
// spares off (every reset then recreates the box, as before).

// SpareOptions are the inputs of `lab spare`.
type SpareOptions struct {
	Deps *Deps
	// Dir is a folder in the workspace.
	Dir string
}

// NewCmdSpare builds `lab spare`, a hidden command that the commands
// above start in the background.
func NewCmdSpare(deps *Deps, runF func(context.Context, *SpareOptions) error) *cobra.Command {
	opts := &SpareOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:    "spare",
		Short:  "Prepare the spare services of a running workspace (run by check, reset and start)",
		Hidden: true,
		Args:   usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return spareRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

// spareTimeout bounds the work of `lab spare`.
const spareTimeout = 2 * time.Minute

func spareRun(ctx context.Context, opts *SpareOptions) error {
	w, err := openWorkspace(opts.Deps, opts.Dir)
	if err != nil {
		return err
	}
	if w.ws.State.Session == "" {
		return nil
	}
	unlock, held, err := lockSpares(w.ws.Dir)
	if err != nil || held {
		return err // held: another `lab spare` prepares them
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(ctx, spareTimeout)
	defer cancel()
	d, err := opts.Deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	env, err := w.attach(ctx, d)
	if err != nil || env == nil {
		return err
	}
	return env.PrepareSpares(ctx)
}

// sparesLockFile is the spare lock of a workspace.
func sparesLockFile(dir string) string { return filepath.Join(dir, workspace.StateDir, "spares.lock") }

// lockSpares takes the workspace's spare lock without waiting; held
// reports that another process has it.
func lockSpares(dir string) (unlock func(), held bool, err error) {
	f, err := os.OpenFile(sparesLockFile(dir), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, err
	}
	if held, err := tryLock(f); held || err != nil {
		f.Close()
		return nil, held, err
	}
	return func() { f.Close() }, false, nil
}

// sparesWait bounds how long `lab stop` waits for a `lab spare` to end.
const sparesWait = spareTimeout + 10*time.Second

// awaitSpares waits until no `lab spare` works in the workspace, and
// keeps it so until unlock: what it created is then in the session, for
// the stop to remove.
func awaitSpares(dir string) (unlock func(), err error) {
	if _, err := os.Stat(filepath.Join(dir, workspace.StateDir)); err != nil {
		return func() {}, nil
	}
	deadline := time.Now().Add(sparesWait)
	for {
		unlock, held, err := lockSpares(dir)
		if err != nil || !held {
			return unlock, err
		}
		if time.Now().After(deadline) {
			return nil, errors.New("a `lab spare` of this workspace still runs; wait for it, or stop it")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// spawnSpares starts `lab spare` for the workspace in dir in the
// background, when env has services that can have spares and spares are
// on. Its failure only costs the next reset its speed, so it is not
// reported, except under --verbose.
func spawnSpares(deps *Deps, env labEnv, dir string) {
	if !sparesOn(deps) || !env.SparesSupported() {
		return
	}
	spawn := deps.Spawn
	if spawn == nil {
		spawn = spawnSelf
	}
	if err := spawn("spare", "-C", dir); err != nil && deps.Verbose {
		fmt.Fprintf(deps.IO.ErrOut, "lab: prepare spares in the background: %v\n", err)
	}
}

// sparesOn reports whether spares are on (LAB_SPARES is not 0).
func sparesOn(deps *Deps) bool { return deps.Getenv("LAB_SPARES") != "0" }

// spawnSelf runs this executable with args in the background, with no
// input or output, and does not wait for it.
func spawnSelf(args ...string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, args...)
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
