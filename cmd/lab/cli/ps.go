package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

// PSOptions are the inputs of `lab ps`.
type PSOptions struct {
	Deps *Deps
	// All lists the sessions of other commands too (a check without
	// start, grade, test) and stale ones.
	All bool
	// JSON prints a JSON array.
	JSON bool
}

// NewCmdPS builds `lab ps`.
func NewCmdPS(deps *Deps, runF func(context.Context, *PSOptions) error) *cobra.Command {
	opts := &PSOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "ps",
		Short: "List this machine's running labs and their folders",
		Long: `ps lists the labs started on this machine with 'lab start' (or 'lab watch')
that still have containers: the session, the lab, whether its containers
run, when it started and its workspace folder, from the containers' labels.

A session no workspace names any more is an orphan: its folder is gone, or
the workspace was started again. Stop one with 'lab stop <session>'.
--all adds the sessions of other lab commands (a check without start, a
grade, a test) and the stale ones a killed command left.
On a terminal it prints a table; piped, one tab-separated line per session:
session, lab, state, started (RFC 3339), folder.`,
		Example: `  lab ps
  lab ps --all
  lab stop 3f2a9c41d0b7     # stop one, by its session`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return psRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "also the sessions of other commands, and stale ones")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// labSession is a session as `lab ps` shows it.
type labSession struct {
	engine.SessionInfo
	// Orphan is a session of a workspace that no longer names it.
	Orphan bool
}

// State says whether the session's containers run, and for the sessions
// of other commands, whose they are.
func (s labSession) State() string {
	switch {
	case s.Stale:
		return "stale"
	case s.Running == 0:
		return "stopped"
	case s.Running < s.Containers:
		return fmt.Sprintf("%d/%d running", s.Running, s.Containers)
	case !s.Keep:
		return fmt.Sprintf("in use (pid %d)", s.PID)
	}
	return "running"
}

// Folder is the workspace folder, with "(orphan)" when it no longer
// names the session, "(unknown)" for a kept session that was started by a
// lab that did not label folders yet, and "-" for the sessions of other
// commands, which have none.
func (s labSession) Folder() string {
	switch {
	case s.Dir == "" && s.Keep:
		return "(unknown)"
	case s.Dir == "":
		return "-"
	case s.Orphan:
		return s.Dir + " (orphan)"
	}
	return s.Dir
}

// listSessions lists this machine's sessions: those of workspaces, and
// with all the others too.
func listSessions(ctx context.Context, d labDriver, all bool) ([]labSession, error) {
	infos, err := d.Sessions(ctx)
	if err != nil {
		return nil, err
	}
	var out []labSession
	for _, info := range infos {
		if !info.Keep && !all {
			continue
		}
		s := labSession{SessionInfo: info}
		if info.Keep {
			ws, err := workspace.Open(info.Dir)
			s.Orphan = info.Dir == "" || err != nil || ws.State.Session != info.ID
		}
		out = append(out, s)
	}
	return out, nil
}

// psEntry is one session in `lab ps --json`.
type psEntry struct {
	Session    string    `json:"session"`
	Lab        string    `json:"lab"`
	State      string    `json:"state"`
	Started    time.Time `json:"started,omitzero"`
	Folder     string    `json:"folder,omitempty"`
	Orphan     bool      `json:"orphan"`
	Containers int       `json:"containers"`
	Running    int       `json:"running"`
}

func psRun(ctx context.Context, opts *PSOptions) error {
	deps := opts.Deps
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	sessions, err := listSessions(ctx, d, opts.All)
	if err != nil {
		return err
	}
	io := deps.IO
	switch {
	case opts.JSON:
		entries := make([]psEntry, 0, len(sessions))
		for _, s := range sessions {
			entries = append(entries, psEntry{Session: s.ID, Lab: s.Lab, State: s.State(), Started: s.Created,
				Folder: s.Dir, Orphan: s.Orphan, Containers: s.Containers, Running: s.Running})
		}
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case io.OutTTY:
		if len(sessions) == 0 {
			fmt.Fprintln(io.ErrOut, "no labs running; `lab start <lab>` starts one")
			return nil
		}
		printSessionTable(io.Out, sessions)
		for _, s := range sessions {
			if s.Orphan {
				fmt.Fprintln(io.ErrOut, "an orphan's folder no longer names it: stop it with `lab stop <session>`")
				break
			}
		}
	default:
		for _, s := range sessions {
			started := ""
			if !s.Created.IsZero() {
				started = s.Created.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(io.Out, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Lab, s.State(), started, s.Folder())
		}
	}
	return nil
}

// printSessionTable prints sessions as a table with a header.
func printSessionTable(w io.Writer, sessions []labSession) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tLAB\tSTATE\tSTARTED\tFOLDER")
	for _, s := range sessions {
		started := "-"
		if !s.Created.IsZero() {
			started = s.Created.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Lab, s.State(), started, s.Folder())
	}
	tw.Flush()
}
