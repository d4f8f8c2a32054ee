package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/labs"
)

// HintOptions are the inputs of `lab hint`.
type HintOptions struct {
	Deps *Deps
	Dir  string
}

// NewCmdHint builds `lab hint`.
func NewCmdHint(deps *Deps, runF func(context.Context, *HintOptions) error) *cobra.Command {
	opts := &HintOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "hint",
		Short: "Show the next hint: those tied to a failing check first",
		Long: `hint shows hints for the checks that failed in your last 'lab check' first,
then the lab's general hints, one more each time. Hints used are remembered
in your progress.`,
		Example: `  lab hint
  lab hint -C sql-join`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return hintRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", "", "workspace folder (default: the current folder)")
	return cmd
}

func hintRun(ctx context.Context, opts *HintOptions) error {
	deps := opts.Deps
	w, err := openWorkspace(deps, opts.Dir)
	if err != nil {
		return err
	}
	out := deps.IO.Out
	p := deps.IO.Palette()
	failing := map[string]bool{}
	for _, n := range w.ws.State.Failing {
		failing[n] = true
	}
	// Hints of failing checks: the check's own, and lab hints tied to it.
	shown := 0
	for _, c := range w.lab.Checks {
		if !failing[c.Name] {
			continue
		}
		for _, text := range checkHints(w.lab, c) {
			fmt.Fprintf(out, "%s %s\n  %s\n", p.Yellow("hint"), p.Bold(c.Name), text)
			shown++
		}
	}
	if shown == 0 {
		var general []string
		for _, h := range w.lab.Hints {
			if h.Check == "" {
				general = append(general, h.Text)
			}
		}
		n := w.ws.State.HintsShown
		switch {
		case len(general) == 0:
			fmt.Fprintln(out, "this lab has no general hints; run `lab check` to get hints for failing checks")
			return nil
		case n >= len(general):
			fmt.Fprintf(out, "no more hints (all %d shown):\n", len(general))
			for i, h := range general {
				fmt.Fprintf(out, "  %d. %s\n", i+1, h)
			}
			return nil
		}
		fmt.Fprintf(out, "%s %d of %d\n  %s\n", p.Yellow("hint"), n+1, len(general), general[n])
		w.ws.State.HintsShown++
		shown = 1
		if err := w.ws.Save(); err != nil {
			return err
		}
	}
	prog, err := deps.progress()
	if err != nil {
		return err
	}
	prog.Lab(w.lab.ID).HintsUsed += shown
	return prog.Save()
}

// checkHints returns the hints of a check: its own, then the lab's tied
// to it.
func checkHints(lab *labs.Lab, c *labs.CheckDef) []string {
	var out []string
	if c.Hint != "" {
		out = append(out, c.Hint)
	}
	for _, h := range lab.Hints {
		if h.Check == c.Name {
			out = append(out, h.Text)
		}
	}
	return out
}
