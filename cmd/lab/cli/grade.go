package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/journal"
	"github.com/labrunner/labrunner/labs"
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
	// Formats and Out choose the outputs; with Out, results are kept in
	// Out/.lab-journal as they are made, and reused by the next run.
	Formats []string
	Out     string
	// Roster maps submission folders to students, for the LMS formats.
	Roster string
	// Regrade grades every submission, reusing no kept result.
	Regrade bool
	// Now is the clock of the progress line and the summary; nil is
	// time.Now.
	Now func() time.Time
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

With --out DIR, each submission's result is kept in DIR/.lab-journal as soon
as it is graded (written atomically), and every output is made from those
results at the end. A batch that is interrupted or killed loses nothing: run
the same command again and it grades only what is missing. A rerun reuses a
kept result when the submission's files, the lab (lab.yaml, fixtures,
variants, the reference solution), --deadline and labrunner's grading
version are unchanged; a result that was an error is graded again. Editing a
lab's checks regrades everyone; --regrade grades everyone anyway. When the
environment fails 3 submissions in a row (or -j, if more), each after its
retries, the batch stops: the submissions it did not grade are error results
that say so, graded by the next run. One lab grade at a time may write to
DIR: a second is refused.

Progress goes to standard error: on a terminal one line (done/total, rate,
ETA, reused, graded, errors); piped, for batches of 10 or more, a line at
each tenth of the class and at least every 10 s. The last line says how many
submissions were graded, reused and could not be graded (errors).

Exit status: 0 all passed, 1 any check failed, 2 bad lab or arguments,
3 environment error, 130 interrupted.`,
		Example: `  lab grade sql-join submissions/ann
  lab grade sql-join submissions/ --format csv,junit --out results/
  lab grade sql-join submissions/ --format csv,junit --out results/ --regrade
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
			if opts.Regrade && opts.Out == "" {
				return &UsageError{Err: errors.New("--regrade needs --out DIR: results are kept, and reused, only in an output folder; without one every submission is graded anyway")}
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
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write each format to a file in this folder, and keep each result there as it is made")
	cmd.Flags().StringVar(&opts.Roster, "roster", "", "CSV mapping submission folders to students, for --format canvas,moodle")
	cmd.Flags().BoolVar(&opts.Regrade, "regrade", false, "grade every submission again, reusing no result kept in --out")
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
	todo := entries
	var gj *gradeJournal
	if opts.Out != "" {
		if gj, err = openGradeJournal(lab, opts.Out, journal.Settings{Deadline: opts.Deadline}); err != nil {
			return err
		}
		defer gj.close()
		todo = gj.plan(entries, opts.Regrade, deps.IO.ErrOut)
		if n := len(entries) - len(todo); n > 0 {
			fmt.Fprintf(deps.IO.ErrOut, "%d of %d submissions are unchanged since they were graded: their results in %s are reused (--regrade grades them again)\n", n, len(entries), filepath.Join(opts.Out, journal.Dir))
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	prog := newGradeProgress(deps.IO, len(entries), len(entries)-len(todo), now)
	graded, err := gradeEntries(ctx, opts, lab, todo, gj, prog)
	prog.finish()
	if ctx.Err() != nil {
		// Interrupted: the reports grade the interruption, not the
		// submissions; no summary, no outputs. What was graded before is
		// kept.
		if gj != nil {
			fmt.Fprintf(deps.IO.ErrOut, "the results made before the interruption are kept in %s; run the same command again to finish the class\n", filepath.Join(opts.Out, journal.Dir))
		}
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	reports := graded
	if gj != nil {
		if reports, err = gj.results(entries); err != nil {
			return err
		}
	} else {
		keepFiles(reports, entries)
	}
	if deps.Verbose || deps.IO.ErrTTY || opts.Out != "" {
		fmt.Fprintln(deps.IO.ErrOut, prog.summary())
	}
	if n := prog.errorCount(); n > 0 && gj != nil {
		if n == 1 {
			fmt.Fprintln(deps.IO.ErrOut, "1 submission could not be graded: the environment failed under it, and its result says why; the next run grades it again")
		} else {
			fmt.Fprintf(deps.IO.ErrOut, "%d submissions could not be graded: the environment failed under them, and each result says why; the next run grades them again\n", n)
		}
	}
	warnRoster(deps, roster, reports, opts.Shard != "")
	if err := writeOutputs(deps, reports, formats, opts.Out, src, roster); err != nil {
		if gj != nil && errors.As(err, new(*runner.EnvError)) {
			return fmt.Errorf("%w; every result is kept in %s, so the rerun grades nothing again", err, filepath.Join(opts.Out, journal.Dir))
		}
		return err
	}
	return batchExit(reports)
}

// gradeEntries grades entries, counting each on prog and keeping each
// result in gj (when set) as soon as it is made. Nothing to grade starts
// nothing, not even a connection to the engine. A result that cannot be
// kept (a full disk) stops the batch: every later one would be lost too.
// With a journal, a batch whose environment failed too many submissions in
// a row (see breaker) stops too, and the submissions it did not grade are
// error results that say so, which the next run grades again.
func gradeEntries(ctx context.Context, opts *GradeOptions, lab *labs.Lab, entries []runner.Entry, gj *gradeJournal, prog *gradeProgress) ([]checks.Report, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	d, err := opts.Deps.Driver(ctx)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	files := map[string]runner.Submission{}
	for _, e := range entries {
		files[e.Name] = e.Files
	}
	bctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var keepErr error
	var once sync.Once
	br := &breaker{limit: max(breakerMin, opts.Jobs)}
	var mu sync.Mutex
	made := map[string]bool{}
	reports, err := d.GradeBatch(bctx, lab, entries, runner.BatchOptions{
		Jobs:      opts.Jobs,
		Isolation: opts.Isolation,
		Deadline:  opts.Deadline,
		Progress: func(_, _ int, rep *checks.Report) {
			// A report made after the batch was stopped grades the
			// stop, not the submission: it is neither counted nor kept.
			if bctx.Err() != nil {
				return
			}
			prog.add(rep)
			if gj == nil {
				return
			}
			if err := gj.put(*rep, files[rep.Submission]); err != nil {
				once.Do(func() {
					if df := diskFull(opts.Out, err); df != nil {
						keepErr = fmt.Errorf("%w; the results kept before it are whole and are reused", df)
						cancel(keepErr)
						return
					}
					keepErr = &runner.EnvError{Err: fmt.Errorf("keep results in %s: %w; the results kept before it are safe: run the same command again once results can be written there", opts.Out, err)}
					cancel(keepErr)
				})
				return
			}
			mu.Lock()
			made[rep.Submission] = true
			mu.Unlock()
			if br.add(rep.Status) {
				cancel(errBreaker)
			}
		},
	})
	if keepErr != nil {
		return nil, keepErr
	}
	if ctx.Err() == nil && context.Cause(bctx) == errBreaker {
		msg := fmt.Sprintf("not graded: the environment failed %d submissions in a row, so the batch stopped; the next run grades this one", br.limit)
		for _, e := range entries {
			if made[e.Name] {
				continue
			}
			rep := checks.Report{Lab: lab.ID, Submission: e.Name, Message: msg}
			rep.Summarize()
			prog.add(&rep)
			if err := gj.put(rep, e.Files); err != nil {
				return nil, &runner.EnvError{Err: fmt.Errorf("keep results in %s: %w", opts.Out, err)}
			}
		}
		fmt.Fprintf(opts.Deps.IO.ErrOut, "the environment failed %d submissions in a row: the batch stopped, and the %s not graded are errors; run the same command again to grade them\n", br.limit, plural(len(entries)-len(made), "submission"))
		return nil, nil
	}
	return reports, err
}

// breakerMin is the fewest submissions in a row that the environment
// must fail (each after its retries) before a journaled batch stops; with
// more jobs, as many as there are jobs, since one fault fails every
// submission being graded at that moment.
const breakerMin = 3

// errBreaker is the cause of a batch stopped by its breaker.
var errBreaker = errors.New("the environment failed too many submissions in a row")

// breaker counts the submissions in a row that ended in an error.
type breaker struct {
	mu    sync.Mutex
	limit int
	run   int
}

// add counts a result and reports whether the batch should stop: limit
// errors in a row, with no pass or fail between them.
func (b *breaker) add(st checks.Status) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if st != checks.Error {
		b.run = 0
		return false
	}
	b.run++
	return b.run >= b.limit
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
