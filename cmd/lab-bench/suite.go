package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// unit says what a row's values measure and how they are printed.
type unit string

const (
	unitSeconds   unit = "s"   // a duration; lower is better
	unitBytes     unit = "B"   // a size, such as peak memory; lower is better
	unitPerSecond unit = "1/s" // a throughput; higher is better
)

// row is one line of the table.
type row struct {
	op   string
	unit unit
	note string
	// noRef marks a row without a reference in a benchmark that has one:
	// the reference's value for it is ignored.
	noRef bool
	// share, when set, names a group of rows whose medians add up to a
	// whole (the labs of `lab test`): the note then gives each row's
	// share of the group's sum.
	share string
}

// notMeasured is the value a runFunc returns for a row it could not
// measure in that run (the containers' memory on a remote engine): the
// sample is left out, and a row without samples prints "—".
var notMeasured = math.NaN()

// runFunc performs one run of one side of a benchmark and returns one value
// per row of the benchmark, in order. It must remove whatever it started
// before it returns, also on error.
type runFunc func(ctx context.Context, e *env) ([]float64, error)

// benchmark is one entry of the suite: an operation done by labrunner and
// by a reference, measured as one or more rows.
type benchmark struct {
	// name selects the benchmark with -run.
	name string
	rows []row
	// scale multiplies the number of runs, for operations cheap and noisy
	// enough to deserve more samples; 0 means 1.
	scale int
	// maxRuns, when > 0, caps the number of measured runs, for operations
	// expensive enough (seconds to minutes) that -n runs would not fit the
	// suite's time budget.
	maxRuns int
	// noWarmup skips the warm-up runs, for operations whose first run is
	// what is measured (a first run with nothing present).
	noWarmup bool
	// setup, when not nil, runs once before the first run, unmeasured: it
	// prepares what every run needs (running services for a warm check,
	// what the reference must know). The teardown it returns, when not
	// nil, runs after the last run, also on error.
	setup     func(ctx context.Context, e *env) (teardown func(), err error)
	labrunner runFunc
	// reference is nil for rows without one.
	reference runFunc
}

// suite is the benchmark table, in the order of the printed table. To add
// an operation, write its two runFuncs (in a file named after it) and add
// an entry here.
func suite(e *env) []benchmark {
	var bs []benchmark
	for _, k := range []runner.Kind{labs.KindPostgres, labs.KindRedis, labs.KindNginx, labs.KindBox, labs.KindRuntime} {
		bs = append(bs, serviceLifecycle(k))
	}
	version := []string{"--version"}
	doctor := []string{"doctor"}
	inspect := append([]string{"image", "inspect", "--format", "{{.Id}}"}, e.images()...)
	bs = append(bs,
		cliStartup("lab --version", version, version, "reference: docker --version"),
		cliStartup("lab doctor", doctor, inspect, "reference: docker image inspect of the 5 images"),
		cliMemory("lab --version", version, version),
		cliMemory("lab doctor", doctor, inspect),
	)
	// Against DESIGN.md "Performance targets", on the sql-join lab.
	bs = append(bs,
		coldCheck(),
		warmCheck(),
		checkPieces(),
		pgdataTmpfs(),
		cliStartup("lab list", []string{"list"}, version, "reference: docker --version"),
		cliStartup("lab validate labs/", []string{"validate", "labs/"}, version, "reference: docker --version"),
	)
	// A learner's first run and the size of what it fetches (issue 13,
	// point 8): first-run time ≤ 30 s, images ≤ 200 MB but the runtime's.
	// A CI matrix against one run (issue 17, point 7), in shard_merge.go.
	bs = append(bs, shardMerge())
	bs = append(bs, imageSizes(), firstRunPull())
	if os.Getenv("BENCH_FIRST_BUILD") != "0" {
		bs = append(bs, firstRunBuild())
	}
	// The other kinds of lab, which DESIGN.md sets no target for: cold and
	// warm check against their floors.
	for _, lab := range otherLabs {
		bs = append(bs, coldCheckLab(lab), warmCheckLab(lab))
	}
	// Issue 16: where the time of a check goes, for each kind of lab;
	// batch grading of each kind; the proof of the whole catalog.
	for _, lab := range phaseLabs {
		bs = append(bs, checkPhases(lab))
	}
	for _, lab := range batchLabs {
		bs = append(bs, batchGrade(lab, e.batch))
	}
	// Issue 19: the compile time of each language that builds.
	bs = append(bs, langBuild())
	return append(bs, catalogTest())
}

// result is one row's samples of both sides.
type result struct {
	row       row
	labrunner []float64
	reference []float64
	hasRef    bool
	err       error
}

// runBenchmark runs b's sides alternately, swapping which goes first on
// every run so that neither always follows the other, after warmup
// unrecorded runs of each. An error ends the benchmark and is reported in
// its rows.
func runBenchmark(ctx context.Context, e *env, b benchmark, n, warmup int) []result {
	res := make([]result, len(b.rows))
	for i, r := range b.rows {
		res[i] = result{row: r, hasRef: b.reference != nil && !r.noRef}
	}
	if b.noWarmup {
		warmup = 0
	}
	runs := n * max(b.scale, 1)
	if b.maxRuns > 0 {
		runs = min(runs, b.maxRuns)
	}
	began := time.Now()
	fail := func(side string, err error) []result {
		err = fmt.Errorf("%s %s: %w", b.name, side, err)
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		for i := range res {
			res[i].err = err
		}
		return res
	}
	if b.setup != nil {
		teardown, err := b.setup(ctx, e)
		if teardown != nil {
			defer teardown()
		}
		if err != nil {
			return fail("setup", err)
		}
	}
	for i := -warmup; i < runs; i++ {
		sides := []struct {
			name string
			fn   runFunc
			dst  func(int) *[]float64
		}{
			{"labrunner", b.labrunner, func(j int) *[]float64 { return &res[j].labrunner }},
			{"reference", b.reference, func(j int) *[]float64 { return &res[j].reference }},
		}
		if i%2 != 0 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, s := range sides {
			if s.fn == nil {
				continue
			}
			if ctx.Err() != nil {
				return fail(s.name, ctx.Err())
			}
			vals, err := s.fn(ctx, e)
			if err != nil {
				return fail(s.name, err)
			}
			if len(vals) != len(b.rows) {
				return fail(s.name, fmt.Errorf("%d values for %d rows", len(vals), len(b.rows)))
			}
			if i >= 0 {
				for j, v := range vals {
					if s.name == "reference" && b.rows[j].noRef || math.IsNaN(v) {
						continue
					}
					*s.dst(j) = append(*s.dst(j), v)
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "bench: %-18s %d+%d runs per side in %.1f s\n", b.name, runs, warmup, time.Since(began).Seconds())
	return res
}
