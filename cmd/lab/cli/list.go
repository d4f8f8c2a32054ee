package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

// ListOptions are the inputs of `lab list`.
type ListOptions struct {
	Deps *Deps
	// JSON prints the catalog as a JSON array.
	JSON bool
	// LearnerStatus returns the learner's status of a lab ("passed", "2/4",
	// or "" when not tried). nil means progressStatus, which reads the
	// learner's progress file; tests set it.
	LearnerStatus func(labID string) string
}

// NewCmdList builds `lab list`. runF replaces listRun in tests.
func NewCmdList(deps *Deps, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs of the catalog",
		Long: `list prints the labs of the catalog in use (--labs, else LAB_CATALOG, else
the bundled labs): id, title, difficulty, services and your status.
On a terminal it prints a table that fits the terminal's width, cutting
titles with "…" where needed; piped, one tab-separated line per lab (id,
title, difficulty, services separated by commas, status), as gh does.`,
		Example: `  lab list
  lab list --json | jq -r '.[].id'
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
	Status     string        `json:"status,omitempty"`
}

type listService struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

func listRun(_ context.Context, opts *ListOptions) error {
	io := opts.Deps.IO
	all, loadErr := opts.Deps.loadCatalog()
	if lerrs := (labs.Errors)(nil); loadErr != nil && !errors.As(loadErr, &lerrs) {
		return loadErr
	}
	status := opts.LearnerStatus
	if status == nil {
		status = progressStatus(opts.Deps)
	}
	switch {
	case opts.JSON:
		entries := make([]listEntry, 0, len(all))
		for _, l := range all {
			e := listEntry{ID: l.ID, Title: l.Title, Summary: l.Summary, Difficulty: l.Difficulty,
				Tags: append([]string{}, l.Tags...), Status: status(l.ID)}
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
		t := &table{header: []string{"ID", "TITLE", "DIFFICULTY", "SERVICES", "STATUS"}, cut: []int{1, 3},
			style: func(row, col int, cell string) string {
				switch {
				case row < 0:
					return p.Bold(cell)
				case col == 4 && strings.HasPrefix(cell, "✓"):
					return p.Green(cell)
				}
				return cell
			}}
		for _, l := range all {
			st := status(l.ID)
			if st == "passed" {
				st = "✓ passed"
			}
			t.rows = append(t.rows, []string{l.ID, l.Title, l.Difficulty, strings.Join(serviceKinds(l), ", "), st})
		}
		if err := t.render(io.Out, io.TerminalWidth(opts.Deps.Getenv)); err != nil {
			return err
		}
	default:
		for _, l := range all {
			fmt.Fprintf(io.Out, "%s\t%s\t%s\t%s\t%s\n", l.ID, l.Title, l.Difficulty, strings.Join(serviceKinds(l), ","), status(l.ID))
		}
	}
	if loadErr != nil {
		return printDefinitionErrors(io.ErrOut, loadErr)
	}
	return nil
}

// progressStatus returns the learner's status of each lab from the
// progress file. A progress file that cannot be read is reported once and
// shows no status.
func progressStatus(deps *Deps) func(string) string {
	progress, err := workspace.LoadProgress(workspace.ProgressPath(deps.Getenv))
	if err != nil {
		fmt.Fprintf(deps.IO.ErrOut, "lab: %v\n", err)
		return func(string) string { return "" }
	}
	return func(id string) string { return progress.Labs[id].Status() }
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
