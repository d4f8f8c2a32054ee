package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// TestOptions are the inputs of `lab test`.
type TestOptions struct {
	Deps *Deps
	// Paths are lab folders or catalog folders; none means the catalog.
	Paths []string
	// Jobs labs are proven at once.
	Jobs int
	// CaseJobs cases of each lab are graded at once.
	CaseJobs int
	// Repeat runs every case this many times, to catch flaky checks.
	Repeat int
	// Lang proves multi-language labs in this language only; "" in each.
	Lang string
}

// NewCmdTest builds `lab test`.
func NewCmdTest(deps *Deps, runF func(context.Context, *TestOptions) error) *cobra.Command {
	opts := &TestOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "test [path...]",
		Short: "Prove labs: the starter fails, the reference passes, known-wrong solutions fail",
		Long: `test proves labs on real containers: for each lab, the untouched starter must
fail at least one check, the reference solution must pass every check, and
each known-wrong solution must fail exactly the checks it names (skipped
checks aren't counted; an errored check is always a problem). --repeat N
runs every case N times to catch flaky checks. Labs run in parallel (-j),
and within a lab up to --case-jobs cases are graded at once, each on its
own services (its own database slot for Postgres labs), so that no case
sees what another one did; the output is the same whatever the numbers.

path is a lab folder or a catalog folder; without one, the catalog in use
(--labs, LAB_CATALOG or the bundled labs). A lab offered in several
languages is proven in each (--lang: in that one), as "<lab> (<lang>)". Exit status: 0 all proven,
1 a lab is wrong, 2 a lab definition is invalid, 3 environment error,
130 interrupted.`,
		Example: `  lab test                   # every lab of the catalog
  lab test labs/sql-join
  lab test my-labs/ --repeat 3
  lab test labs/redis-cache-aside --lang go
  lab test -j 1 --case-jobs 1  # one case at a time`,
		Args: usageArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.Jobs < 1 || opts.CaseJobs < 1 || opts.Repeat < 1 {
				return &UsageError{Err: fmt.Errorf("-j, --case-jobs and --repeat need at least 1")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return testRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 2, "labs proven at once")
	cmd.Flags().IntVar(&opts.CaseJobs, "case-jobs", 2, "cases of each lab graded at once")
	cmd.Flags().IntVar(&opts.Repeat, "repeat", 1, "run every case this many times")
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "prove labs offered in several languages in this one only")
	addPullFlag(cmd, deps)
	return cmd
}

// loadForTest loads the labs of the paths (lab or catalog folders).
func loadForTest(deps *Deps, paths []string) ([]*labs.Lab, error) {
	var out []*labs.Lab
	if len(paths) == 0 {
		if deps.Catalog != "" {
			paths = []string{deps.Catalog}
		} else {
			all, err := labs.Bundled()
			if err != nil {
				return nil, err
			}
			for _, l := range all {
				out = append(out, l)
			}
			return out, nil
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(abs, labs.FileName)); err == nil {
			fsys := os.DirFS(filepath.Dir(abs))
			l, err := labs.Load(fsys, filepath.Base(abs))
			if err != nil {
				return nil, err
			}
			out = append(out, l)
			continue
		}
		fsys := os.DirFS(abs)
		all, err := labs.LoadCatalog(fsys, ".")
		if err != nil {
			return nil, err
		}
		if len(all) == 0 {
			return nil, &UsageError{Err: fmt.Errorf("%s holds no lab (no lab.yaml in it or its subfolders)", p)}
		}
		for _, l := range all {
			out = append(out, l)
		}
	}
	return out, nil
}

func testRun(ctx context.Context, opts *TestOptions) error {
	deps := opts.Deps
	all, err := loadForTest(deps, opts.Paths)
	if err != nil {
		return printDefinitionErrors(deps.IO.ErrOut, err)
	}
	if all, err = languageViews(all, opts.Lang); err != nil {
		return err
	}
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	p := deps.IO.Palette()
	var mu sync.Mutex
	failed, errored := 0, 0
	sem := make(chan struct{}, opts.Jobs)
	var wg sync.WaitGroup
	for _, lf := range all {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t0 := time.Now()
			lines, bad, err := proveLab(ctx, d, lf, runner.ProveOptions{Jobs: opts.CaseJobs, Repeat: opts.Repeat})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errored++
				fmt.Fprintf(deps.IO.Out, "%s %s: %v\n", p.Red("!"), labLabel(lf), err)
			case bad:
				failed++
				fmt.Fprintf(deps.IO.Out, "%s %s (%s)\n", p.Red("✗"), labLabel(lf), since(t0))
			default:
				fmt.Fprintf(deps.IO.Out, "%s %s (%s)\n", p.Green("✓"), labLabel(lf), since(t0))
			}
			for _, l := range lines {
				fmt.Fprintln(deps.IO.Out, "    "+l)
			}
		})
	}
	wg.Wait()
	labsWord := "labs"
	if len(all) == 1 {
		labsWord = "lab"
	}
	fmt.Fprintf(deps.IO.Out, "%d %s: %d proven, %d wrong, %d could not run\n", len(all), labsWord, len(all)-failed-errored, failed, errored)
	switch {
	case failed > 0:
		return &ExitError{Code: ExitFailed}
	case errored > 0:
		return &ExitError{Code: ExitEnvironment}
	}
	return nil
}

// languageViews replaces each multi-language lab by its view in each of
// its languages, or in lang alone; a lab not offered in lang is left out,
// and a lang no lab is offered in is a usage error.
func languageViews(all []*labs.Lab, lang string) ([]*labs.Lab, error) {
	if lang != "" {
		if _, ok := labs.LookupLanguage(lang); !ok {
			return nil, &UsageError{Err: fmt.Errorf("unknown language %q (known: %s)", lang, strings.Join(labs.LanguageNames(), ", "))}
		}
	}
	var out []*labs.Lab
	for _, l := range all {
		for _, name := range l.Offered() {
			if lang != "" && name != lang {
				continue
			}
			v, err := l.ForLanguage(name)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, &UsageError{Err: fmt.Errorf("no lab here is offered in %s", lang)}
	}
	return out, nil
}

// labLabel names a lab in lab test's lines: its id, and the language of
// a multi-language lab's view.
func labLabel(l *labs.Lab) string {
	if l.Language == "" {
		return l.ID
	}
	return l.ID + " (" + l.Language + ")"
}

// proveLab proves a lab opts.Repeat times on services of its own
// (runner.Driver.ProveLab); it returns a line per case (only problems,
// unless everything is fine) and whether any case misbehaved. The lines
// of the runs before one that could not be graded come with its error.
func proveLab(ctx context.Context, d labDriver, lf *labs.Lab, opts runner.ProveOptions) ([]string, bool, error) {
	proofs, err := d.ProveLab(ctx, lf, opts)
	var lines []string
	bad := false
	for i, proof := range proofs {
		n := i + 1
		for _, c := range proof.Cases {
			run := ""
			if opts.Repeat > 1 {
				run = fmt.Sprintf(" (run %d)", n)
			}
			if c.Problem != "" {
				bad = true
				lines = append(lines, fmt.Sprintf("✗ %s%s: %s", c.Name, run, c.Problem))
			} else if n == 1 {
				lines = append(lines, fmt.Sprintf("✓ %s %s (%d/%d)", c.Name, c.Want, c.Report.Score, c.Report.MaxScore))
			}
		}
	}
	return lines, bad, err
}
