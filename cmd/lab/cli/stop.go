package cli

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
)

// StopOptions are the inputs of `lab stop`.
type StopOptions struct {
	Deps *Deps
	// Dir is the workspace folder (-C); default the current folder.
	Dir string
	// Target is the argument: a workspace folder or a session id.
	Target string
}

// NewCmdStop builds `lab stop`.
func NewCmdStop(deps *Deps, runF func(context.Context, *StopOptions) error) *cobra.Command {
	opts := &StopOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "stop [<folder> | <session>]",
		Short: "Remove the lab's containers; the workspace files stay",
		Long: `stop removes the containers of a workspace's lab: the workspace the current
folder is in, or the one in <folder>. Given a session id (as 'lab ps' lists
them), it stops that session alone, even when its folder is gone.`,
		Example: `  lab stop                  # the workspace you are in
  lab stop ~/labs/sql-join  # another workspace
  lab stop 3f2a9c41d0b7     # a session, as lab ps lists it`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				if opts.Dir != "" {
					return &UsageError{Err: fmt.Errorf("give a folder or a session, or -C, not both")}
				}
				opts.Target = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return stopRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

var sessionIDRe = regexp.MustCompile(`^[0-9a-f]{4,12}$`)

func stopRun(ctx context.Context, opts *StopOptions) error {
	dir := opts.Dir
	switch {
	case opts.Target == "":
	case isDir(opts.Target):
		dir = opts.Target
	case sessionIDRe.MatchString(opts.Target):
		return stopSession(ctx, opts.Deps, opts.Target)
	default:
		return &UsageError{Err: fmt.Errorf("%q is neither a folder nor a session id; `lab ps` lists the running sessions and their folders", opts.Target)}
	}
	return stopWorkspace(ctx, opts.Deps, dir)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// stopWorkspace stops the lab of the workspace dir is in.
func stopWorkspace(ctx context.Context, deps *Deps, dir string) error {
	if dir == "" {
		dir = mustGetwd()
	}
	ws, err := workspace.Find(dir)
	if err != nil {
		return &UsageError{Err: err}
	}
	if ws.State.Session == "" {
		fmt.Fprintf(deps.IO.ErrOut, "%s is not running\n", ws.State.Lab)
		return nil
	}
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	t0 := time.Now()
	unlock, err := awaitSpares(ws.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.StopSession(ctx, ws.State.Lab, ws.State.Session); err != nil {
		return err
	}
	ws.State.Session = ""
	if err := ws.Save(); err != nil {
		return err
	}
	fmt.Fprintf(deps.IO.ErrOut, "%s stopped (%s); your files are in %s\n", ws.State.Lab, since(t0), ws.Dir)
	return nil
}

// stopSession stops the session id (or the one session it begins) of
// this machine, and makes its workspace, if it still names it, forget it.
func stopSession(ctx context.Context, deps *Deps, id string) error {
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	sessions, err := listSessions(ctx, d, true)
	if err != nil {
		return err
	}
	var match []labSession
	for _, s := range sessions {
		if strings.HasPrefix(s.ID, id) {
			match = append(match, s)
		}
	}
	switch {
	case len(match) == 0:
		return &UsageError{Err: fmt.Errorf("no session %s on this machine; `lab ps --all` lists them", id)}
	case len(match) > 1:
		return &UsageError{Err: fmt.Errorf("%s begins %d sessions; give more of it (`lab ps --all` lists them)", id, len(match))}
	}
	s := match[0]
	t0 := time.Now()
	if err := d.StopSession(ctx, s.Lab, s.ID); err != nil {
		return err
	}
	where := ""
	if s.Dir != "" {
		where = "; its folder was " + s.Dir
		if ws, err := workspace.Open(s.Dir); err == nil && ws.State.Session == s.ID {
			ws.State.Session = ""
			if err := ws.Save(); err != nil {
				return err
			}
			where = "; your files are in " + s.Dir
		}
	}
	fmt.Fprintf(deps.IO.ErrOut, "session %s of %s stopped (%s)%s\n", s.ID, s.Lab, since(t0), where)
	return nil
}
