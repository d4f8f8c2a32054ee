package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/report"
	"github.com/labrunner/labrunner/runner"
)

// GradeOptions are the inputs of `lab grade`.
type GradeOptions struct {
	Deps *Deps
	// Lab is the lab id, from the catalog (never from the submission).
	Lab string
	// Path is one submission (a file or a folder) or a folder of them.
	Path string
	// Jobs grade at once.
	Jobs int
	// Isolation is shared or container.
	Isolation string
	// Deadline bounds one submission.
	Deadline time.Duration
	// Shard is "i/n" or "".
	Shard string
	// Formats and Out choose the outputs.
	Formats []string
	Out     string
	// Roster maps submission folders to students, for the LMS formats.
	Roster string
}

// NewCmdGrade builds `lab grade` and its `merge` subcommand.
func NewCmdGrade(deps *Deps, runF func(context.Context, *GradeOptions) error) *cobra.Command {
	opts := &GradeOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "grade <lab> <path>",
		Short: "Grade one submission or a folder of submissions",
		Long: `grade grades submissions of a lab from the catalog. <path> is one submission
(a file, or a folder holding the lab's files) or a folder of submissions, one
subfolder per student. Lab definitions always come from the catalog: a
lab.yaml inside a submission is ignored.

Submissions are graded in parallel (-j) and isolated: for labs whose
services are all Postgres, each submission gets its own role and databases
on one shared server; otherwise each worker has its own services, reset
between submissions. --isolation container gives every submission fresh
containers. A submission that breaks, hangs or attacks the grader gets an
error result and the batch goes on.

Formats (several with --out DIR): terminal (the human report, piped too,
then without colour); tsv (tab-separated records, see docs/tsv.md); json, a
results index with every score (index.json), and with --out one Exercism
results.json per submission, DIR/<submission>/results.json; junit; csv (a
gradebook); html (a report for instructors); github (workflow annotations on
the submitted files, and a job summary in $GITHUB_STEP_SUMMARY); canvas and
moodle (gradebooks for their CSV grade import, one column per check, with
--roster FILE mapping each submission folder to its student: see
docs/lms.md).

--shard i/n grades every n-th submission from the i-th, sorted by name, for
a CI matrix; 'lab grade merge' combines the shards' index.json files.

Exit status: 0 all passed, 1 any check failed, 2 bad lab or arguments,
3 environment error, 130 interrupted.`,
		Example: `  lab grade sql-join submissions/ann
  lab grade sql-join submissions/ --format csv,junit --out results/
  lab grade sql-join submissions/ --shard 1/4 --format json --out shard-1/
  lab grade sql-join submissions/ --format canvas,moodle --roster roster.csv --out results/`,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Lab, opts.Path = args[0], args[1]
			if opts.Isolation != runner.IsolationShared && opts.Isolation != runner.IsolationContainer {
				return &UsageError{Err: fmt.Errorf("--isolation %q: use shared or container", opts.Isolation)}
			}
			if opts.Jobs < 1 {
				return &UsageError{Err: fmt.Errorf("-j %d: need at least 1", opts.Jobs)}
			}
			if _, _, err := parseShard(opts.Shard); opts.Shard != "" && err != nil {
				return err
			}
			formats, err := parseFormats(opts.Formats, opts.Out)
			if err != nil {
				return err
			}
			if err := checkRosterFlag(formats, opts.Roster); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return gradeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", runtime.NumCPU(), "submissions graded at once")
	cmd.Flags().StringVar(&opts.Isolation, "isolation", runner.IsolationShared, "shared (fast) or container (fresh containers per submission)")
	cmd.Flags().DurationVar(&opts.Deadline, "deadline", 2*time.Minute, "time limit for grading one submission")
	cmd.Flags().StringVar(&opts.Shard, "shard", "", "grade only shard i of n (i/n), for a CI matrix")
	cmd.Flags().StringSliceVar(&opts.Formats, "format", nil, "output formats: "+formatNames())
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write each format to a file in this folder")
	cmd.Flags().StringVar(&opts.Roster, "roster", "", "CSV mapping submission folders to students, for --format canvas,moodle")
	cmd.AddCommand(newCmdGradeMerge(deps, nil))
	addPullFlag(cmd, deps)
	return cmd
}

func gradeRun(ctx context.Context, opts *GradeOptions) error {
	deps := opts.Deps
	formats, err := parseFormats(opts.Formats, opts.Out)
	if err != nil {
		return err
	}
	roster, err := loadRoster(opts.Roster, formats)
	if err != nil {
		return err
	}
	lab, err := deps.LoadLab(opts.Lab, "")
	if err != nil {
		return err
	}
	entries, src, err := readSubmissions(lab, opts.Path, deps.IO.ErrOut)
	if err != nil {
		return err
	}
	if entries, err = shard(entries, opts.Shard); err != nil {
		return err
	}
	d, err := deps.Driver(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	bar := newProgressBar(deps.IO, len(entries))
	t0 := time.Now()
	reports, err := d.GradeBatch(ctx, lab, entries, runner.BatchOptions{
		Jobs:      opts.Jobs,
		Isolation: opts.Isolation,
		Deadline:  opts.Deadline,
		Progress:  func(done, total int, _ *checks.Report) { bar.set(done) },
	})
	bar.finish()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: the reports grade the interruption, not the
		// submissions; no "graded" line, no outputs.
		return err
	}
	if deps.Verbose || deps.IO.ErrTTY {
		el := time.Since(t0)
		fmt.Fprintf(deps.IO.ErrOut, "graded %d submissions in %s (%.1f/s)\n", len(reports), el.Round(time.Millisecond), float64(len(reports))/el.Seconds())
	}
	keepFiles(reports, entries)
	warnRoster(deps, roster, reports, opts.Shard != "")
	if err := writeOutputs(deps, reports, formats, opts.Out, src, roster); err != nil {
		return err
	}
	return batchExit(reports)
}

// keepFiles gives each report the files of its submission, for the
// instructor's report and the results index.
func keepFiles(reports []checks.Report, entries []runner.Entry) {
	files := map[string]runner.Submission{}
	for _, e := range entries {
		files[e.Name] = e.Files
	}
	for i := range reports {
		if f, ok := files[reports[i].Submission]; ok && reports[i].Files == nil {
			reports[i].Files = f
		}
	}
}

// GradeMergeOptions are the inputs of `lab grade merge`.
type GradeMergeOptions struct {
	Deps *Deps
	// Paths are the shards' index.json files.
	Paths []string
	// Formats and Out choose the outputs, as for `lab grade`.
	Formats []string
	Out     string
	// Roster maps submission folders to students, as for `lab grade`.
	Roster string
}

// newCmdGradeMerge builds `lab grade merge`.
func newCmdGradeMerge(deps *Deps, runF func(context.Context, *GradeMergeOptions) error) *cobra.Command {
	opts := &GradeMergeOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "merge <index.json>...",
		Short: "Combine the results indexes of several shards into one set of outputs",
		Long: `merge reads the index.json that 'lab grade --format json --out DIR' writes in
each shard's folder and writes the formats of the whole class, as 'lab grade'
would have. A submission found in more than one shard (two jobs graded the
same shard, or a shard was passed twice) is an error, exit status 2, that
names each such submission and its shards: no copy is more right than the
other, and a gradebook must not hold a grade picked by chance.`,
		Example: `  lab grade merge shard-*/index.json --format csv --out results/
  lab grade merge shard-*/index.json --format canvas --roster roster.csv --out results/`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			formats, err := parseFormats(opts.Formats, opts.Out)
			if err != nil {
				return err
			}
			if err := checkRosterFlag(formats, opts.Roster); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return gradeMergeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Formats, "format", nil, "output formats: "+formatNames())
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write each format to a file in this folder")
	cmd.Flags().StringVar(&opts.Roster, "roster", "", "CSV mapping submission folders to students, for --format canvas,moodle")
	return cmd
}

func gradeMergeRun(_ context.Context, opts *GradeMergeOptions) error {
	formats, err := parseFormats(opts.Formats, opts.Out)
	if err != nil {
		return err
	}
	roster, err := loadRoster(opts.Roster, formats)
	if err != nil {
		return err
	}
	var shards [][]checks.Report
	for _, p := range opts.Paths {
		f, err := os.Open(p)
		if err != nil {
			return &UsageError{Err: err}
		}
		reps, err := report.ReadJSON(f)
		f.Close()
		if err != nil {
			return &UsageError{Err: fmt.Errorf("%s: %w", p, err)}
		}
		shards = append(shards, reps)
	}
	merged, err := report.Merge(shards...)
	var dup *report.DuplicateError
	if errors.As(err, &dup) {
		return &UsageError{Err: errors.New(dup.Describe(func(i int) string { return opts.Paths[i] }))}
	}
	if err != nil {
		return err
	}
	warnRoster(opts.Deps, roster, merged, false)
	if err := writeOutputs(opts.Deps, merged, formats, opts.Out, nil, roster); err != nil {
		return err
	}
	return batchExit(merged)
}
