package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

// ListOptions are the inputs of `lab list`.
type ListOptions struct {
	Deps *Deps
	// JSON prints the catalog as a JSON array.
	JSON bool
	// Progress returns the learner's progress; nil reads the progress
	// file (a file that cannot be read is reported and shows no status).
	Progress func() (*workspace.Progress, error)
}

// NewCmdList builds `lab list`. runF replaces listRun in tests.
func NewCmdList(deps *Deps, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs of the catalog by track, with your progress",
		Long: `list prints the labs of the catalog in use (--labs, else LAB_CATALOG, else
the bundled labs) grouped by track, in each track's order: id, title,
difficulty, services and your progress: status (passed, in progress, or
the labs it needs first), best score and hints used. A lab in two tracks
is listed in both; labs in no track come last. 'lab next' starts the next
lab of a track.

On a terminal it prints a table that fits the terminal's width, cutting
titles with "…" where needed; piped, one tab-separated line per lab and
track (id, title, difficulty, services separated by commas, status, best
score, hints used, track id), as gh does. --json prints each lab once,
in id order, with its tracks and progress.`,
		Example: `  lab list
  lab list --json | jq -r '.[].id'
  lab list | awk -F'\t' '$8 == "sql" && $5 != "passed" {print $1}'
  lab --labs my-labs list`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// listEntry is one lab in `lab list --json`.
type listEntry struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	Summary    string        `json:"summary,omitempty"`
	Difficulty string        `json:"difficulty"`
	Tags       []string      `json:"tags"`
	Estimate   string        `json:"estimate,omitempty"`
	Services   []listService `json:"services"`
	// Tracks are the ids of the lab's tracks; Requires the labs to pass
	// before it.
	Tracks   []string `json:"tracks"`
	Requires []string `json:"requires,omitempty"`
	// Status is "passed", "in progress" or "" (not started).
	Status    string     `json:"status,omitempty"`
	BestScore int        `json:"best_score,omitempty"`
	MaxScore  int        `json:"max_score,omitempty"`
	HintsUsed int        `json:"hints_used,omitempty"`
	Started   *time.Time `json:"started,omitempty"`
}

type listService struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// listGroup is one track of `lab list`: its heading and labs, in order.
type listGroup struct {
	id, heading string
	labs        []*labs.Lab
}

func listRun(_ context.Context, opts *ListOptions) error {
	io := opts.Deps.IO
	all, loadErr := opts.Deps.loadCatalog()
	if lerrs := (labs.Errors)(nil); loadErr != nil && !errors.As(loadErr, &lerrs) {
		return loadErr
	}
	tracks, tracksErr := opts.Deps.loadTracks(all)
	if tracksErr != nil {
		if lerrs := (labs.Errors)(nil); !errors.As(tracksErr, &lerrs) {
			return tracksErr
		}
		// The labs are still listed, in one group, and the errors after.
		tracks = labs.ImplicitTracks(all)
		loadErr = append(asLabErrors(loadErr), asLabErrors(tracksErr)...)
	}
	progress := listProgress(opts)
	byID := map[string]*labs.Lab{}
	for _, l := range all {
		byID[l.ID] = l
	}
	var groups []listGroup
	for _, tr := range tracks.Tracks {
		g := listGroup{id: tr.ID, heading: trackHeading(tr, progress)}
		for _, id := range tr.Labs {
			if l := byID[id]; l != nil {
				g.labs = append(g.labs, l)
			}
		}
		groups = append(groups, g)
	}
	if ids := tracks.Untracked(all); len(ids) > 0 {
		g := listGroup{heading: "Labs in no track"}
		for _, id := range ids {
			g.labs = append(g.labs, byID[id])
		}
		groups = append(groups, g)
	}
	status := func(l *labs.Lab) string {
		lp := progress.Labs[l.ID]
		if st := lp.Status(); st != "" {
			return st
		}
		if missing := missingRequires(tracks, progress, l.ID); len(missing) > 0 {
			return "needs " + strings.Join(missing, ", ")
		}
		return ""
	}
	hints := func(id string) string {
		if lp := progress.Labs[id]; lp != nil && lp.HintsUsed > 0 {
			return strconv.Itoa(lp.HintsUsed)
		}
		return ""
	}
	switch {
	case opts.JSON:
		entries := make([]listEntry, 0, len(all))
		for _, l := range all {
			e := listEntry{ID: l.ID, Title: l.Title, Summary: l.Summary, Difficulty: l.Difficulty,
				Tags: append([]string{}, l.Tags...), Tracks: []string{}, Requires: tracks.Requires[l.ID],
				Status: progress.Labs[l.ID].Status()}
			for _, tr := range tracks.Of(l.ID) {
				e.Tracks = append(e.Tracks, tr.ID)
			}
			if lp := progress.Labs[l.ID]; lp != nil {
				e.BestScore, e.MaxScore, e.HintsUsed = lp.BestScore, lp.MaxScore, lp.HintsUsed
				if !lp.Started.IsZero() {
					e.Started = &lp.Started
				}
			}
			if l.Estimate.Duration > 0 {
				e.Estimate = shortDuration(l.Estimate.Duration)
			}
			for _, name := range l.ServiceNames() {
				e.Services = append(e.Services, listService{Name: name, Kind: l.Services[name].Kind})
			}
			entries = append(entries, e)
		}
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(entries); err != nil {
			return err
		}
	case io.OutTTY:
		p := io.Palette()
		// The best score shares the status column, and cut columns go
		// down to 10, so that the table fits 80 columns.
		t := &table{header: []string{"ID", "TITLE", "DIFFICULTY", "SERVICES", "STATUS", "HINTS"}, cut: []int{1, 3, 4},
			sections: map[int]string{}, sectionStyle: p.Bold, minCut: 10,
			style: func(row, col int, cell string) string {
				switch {
				case row < 0:
					return p.Bold(cell)
				case col == 4 && strings.HasPrefix(cell, "✓"):
					return p.Green(cell)
				case col == 4 && strings.HasPrefix(cell, "needs "):
					return p.Dim(cell)
				}
				return cell
			}}
		for _, g := range groups {
			// One implicit track needs no heading: the table is flat.
			if !tracks.Implicit || len(groups) > 1 {
				t.sections[len(t.rows)] = g.heading
			}
			for _, l := range g.labs {
				st := status(l)
				if st == "passed" {
					st = "✓ passed"
				}
				if best := progress.Labs[l.ID].Best(); best != "" {
					st += " " + best
				}
				t.rows = append(t.rows, []string{l.ID, l.Title, l.Difficulty, strings.Join(serviceKinds(l), ", "), st, hints(l.ID)})
			}
		}
		if err := t.render(io.Out, io.TerminalWidth(opts.Deps.Getenv)); err != nil {
			return err
		}
	default:
		for _, g := range groups {
			for _, l := range g.labs {
				fmt.Fprintf(io.Out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Title, l.Difficulty, strings.Join(serviceKinds(l), ","),
					status(l), progress.Labs[l.ID].Best(), hints(l.ID), g.id)
			}
		}
	}
	if loadErr != nil {
		return printDefinitionErrors(io.ErrOut, loadErr)
	}
	return nil
}

// asLabErrors returns err as labs.Errors (nil for nil).
func asLabErrors(err error) labs.Errors {
	var es labs.Errors
	if err != nil && errors.As(err, &es) {
		return es
	}
	return nil
}

// trackHeading is the line `lab list` heads a track with: title,
// id, how many labs are passed, description.
func trackHeading(tr *labs.Track, progress *workspace.Progress) string {
	passed := 0
	for _, id := range tr.Labs {
		if lp := progress.Labs[id]; lp != nil && lp.Passed {
			passed++
		}
	}
	h := fmt.Sprintf("%s (track %s, %d of %d passed)", tr.Title, tr.ID, passed, len(tr.Labs))
	if tr.Description != "" {
		h += ": " + tr.Description
	}
	return h
}

// missingRequires returns the labs lab id requires that are not passed.
func missingRequires(tracks *labs.Tracks, progress *workspace.Progress, id string) []string {
	var out []string
	for _, req := range tracks.Requires[id] {
		if lp := progress.Labs[req]; lp == nil || !lp.Passed {
			out = append(out, req)
		}
	}
	return out
}

// listProgress returns the learner's progress. A progress file that
// cannot be read is reported once and shows no status.
func listProgress(opts *ListOptions) *workspace.Progress {
	load := opts.Progress
	if load == nil {
		load = opts.Deps.progress
	}
	p, err := load()
	if err != nil {
		fmt.Fprintf(opts.Deps.IO.ErrOut, "lab: %v\n", err)
		return &workspace.Progress{Labs: map[string]*workspace.LabProgress{}}
	}
	return p
}

// serviceKinds returns the kinds of a lab's services, once each, in the
// order of the services' names.
func serviceKinds(l *labs.Lab) []string {
	var kinds []string
	for _, name := range l.ServiceNames() {
		k := l.Services[name].Kind
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}
