package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `lab show`.
type ShowOptions struct {
	Deps *Deps
	// ID is the lab to show.
	ID string
}

// NewCmdShow builds `lab show`. runF replaces showRun in tests.
func NewCmdShow(deps *Deps, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Deps: deps}
	return &cobra.Command{
		Use:   "show <lab>",
		Short: "Show a lab's task",
		Long: `show prints the task of a lab (its README.md): rendered for the terminal on
a TTY, as plain Markdown when piped.`,
		Example: `  lab show sql-join
  lab show sql-join | less`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
}

func showRun(_ context.Context, opts *ShowOptions) error {
	deps := opts.Deps
	io := deps.IO
	lab, err := deps.LoadLab(opts.ID, "")
	if err != nil {
		return printDefinitionErrors(io.ErrOut, err)
	}
	task, err := lab.Task()
	if err != nil {
		return err
	}
	if !io.OutTTY {
		fmt.Fprint(io.Out, task)
		if !strings.HasSuffix(task, "\n") {
			fmt.Fprintln(io.Out)
		}
		return nil
	}
	style, profile := styles.NoTTYStyle, termenv.Ascii
	if io.Color {
		style, profile = styles.DarkStyle, termenv.ANSI256
	}
	r, err := glamour.NewTermRenderer(
		glamour.WithStandardStyle(style),
		glamour.WithColorProfile(profile),
		glamour.WithWordWrap(terminalWidth(deps.Getenv)),
	)
	if err != nil {
		return fmt.Errorf("render task of lab %q: %w", lab.ID, err)
	}
	out, err := r.Render(task)
	if err != nil {
		return fmt.Errorf("render task of lab %q: %w", lab.ID, err)
	}
	dim := func(s string) string { return s }
	if io.Color {
		dim = io.Palette().Dim
	}
	meta := []string{lab.ID, lab.Difficulty}
	if lab.Estimate.Duration > 0 {
		meta = append(meta, "~"+shortDuration(lab.Estimate.Duration))
	}
	meta = append(meta, "services: "+strings.Join(serviceKinds(lab), ", "))
	if lab.MultiLanguage() {
		meta = append(meta, "languages: "+strings.Join(lab.Languages, ", "))
	}
	fmt.Fprintln(io.Out, dim(strings.Join(meta, " · ")))
	fmt.Fprint(io.Out, out)
	if lab.MultiLanguage() {
		fmt.Fprintln(io.Out, dim(fmt.Sprintf("Start it with `lab start %s` (in %s), or `lab start %s --lang %s`.", lab.ID, lab.Languages[0], lab.ID, lab.Languages[len(lab.Languages)-1])))
		return nil
	}
	fmt.Fprintln(io.Out, dim(fmt.Sprintf("Start it with `lab start %s`.", lab.ID)))
	return nil
}

// terminalWidth returns the width to wrap at: COLUMNS when set, else 80,
// at most 120 so that lines stay readable.
func terminalWidth(getenv func(string) string) int {
	w, err := strconv.Atoi(getenv("COLUMNS"))
	if err != nil || w < 20 {
		w = 80
	}
	return min(w, 120)
}
