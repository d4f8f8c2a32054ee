// Command bench measures labrunner against the floor it is built on. For
// each operation it runs labrunner and a reference that does the same work
// the plainest way (the docker CLI, the same image and command, the same
// readiness probe at the same interval), interleaved in the same run so
// that machine noise hits both, and reports the medians and their ratio.
//
//	make bench                          # builds, provisions images, runs
//	scripts/bench.sh -n 9 -run 'postgres|redis'
//
// It prints one table on stdout, progress on stderr, and writes
// bin/bench-results.json. Every container it starts carries
// io.labrunner.managed=true, io.labrunner.lab=bench-<run> and
// io.labrunner.session=bench-<run>-<seq>, and is removed before it exits,
// also on error and on Ctrl-C; it then proves that nothing of the run is
// left on the engine. The rows that run the lab binary (cold and warm
// check, reset, batch grading) find what each lab process created by its
// io.labrunner.pid and session labels and prove the same of it. Lab
// processes keep their progress in a temporary LAB_STATE_DIR.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/labrunner/labrunner/images"

	"github.com/labrunner/labrunner/runner"
)

func main() { os.Exit(run()) }

func run() (status int) {
	began := time.Now()
	n := flag.Int("n", envInt("BENCH_N", 5), "runs of each side per operation (env BENCH_N)")
	batch := flag.Int("batch", envInt("BENCH_BATCH", 100), "submissions per lab of the batch rows, shared isolation (env BENCH_BATCH)")
	batchContainer := flag.Int("batch-container", envInt("BENCH_BATCH_CONTAINER", 10), "of those, graded with --isolation container (env BENCH_BATCH_CONTAINER)")
	batchJobs := flag.Int("batch-jobs", envInt("BENCH_BATCH_JOBS", batchJobs), "-j of the batch rows (env BENCH_BATCH_JOBS)")
	warmup := flag.Int("warmup", 1, "unrecorded runs of each side before measuring")
	only := flag.String("run", "", "run only benchmarks whose name matches this regexp")
	skip := flag.String("skip", "", "leave out benchmarks whose name matches this regexp (as go test -skip)")
	jsonPath := flag.String("json", "bin/bench-results.json", "where to write the results; empty: nowhere")
	labBin := flag.String("lab", "bin/lab", "the lab binary measured by the CLI rows")
	flag.Parse()
	filter, err := regexp.Compile(*only)
	var skipFilter *regexp.Regexp
	if err == nil && *skip != "" {
		skipFilter, err = regexp.Compile(*skip)
	}
	if err != nil || *n < 1 || *warmup < 0 || *batch < 1 || *batchContainer < 1 || *batchJobs < 1 {
		fmt.Fprintf(os.Stderr, "bench: usage: -n, -batch, -batch-container, -batch-jobs >= 1, -warmup >= 0, -run and -skip valid regexps (%v)\n", err)
		return 2
	}
	if err := envErrors(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 2
	}

	// The lab processes the suite runs record progress (`lab check`): in
	// a folder of this run, never in the user's.
	stateDir, err := os.MkdirTemp("", "lab-bench-state-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 3
	}
	defer os.RemoveAll(stateDir)
	os.Setenv("LAB_STATE_DIR", stateDir)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := runner.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 2
	}
	d, err := runner.NewDriver(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 3
	}
	defer d.Close()
	e := &env{d: d, cfg: cfg, runID: "bench-" + randHex(4), lab: *labBin,
		batch: batchConfig{shared: *batch, container: *batchContainer, jobs: *batchJobs}}

	// Registered first so that it runs last, whatever happens in between.
	defer func() {
		if err := e.finalSweep(ctx.Err() != nil); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			status = 1
		}
	}()

	fmt.Fprintf(os.Stderr, "bench: run %s, %d runs + %d warm-up per side, image set %q\n", e.runID, *n, *warmup, imageSet(cfg))
	var results []result
	for _, b := range suite(e) {
		if !filter.MatchString(b.name) || skipFilter != nil && skipFilter.MatchString(b.name) {
			continue
		}
		results = append(results, runBenchmark(ctx, e, b, *n, *warmup)...)
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "bench: interrupted; removing what the run started")
			return 130
		}
	}
	wall := time.Since(began)
	results = withShares(results)
	printTable(os.Stdout, results)
	fmt.Printf("\n%d runs per side (+%d warm-up) unless a note says otherwise, medians; ratio = labrunner/reference (for 1/s rows higher is better, otherwise lower); total wall time %.1f s\n", *n, *warmup, wall.Seconds())
	for _, w := range e.warnings {
		fmt.Printf("warning: %s\n", w)
	}
	if *jsonPath != "" {
		if err := writeJSON(*jsonPath, newReport(ctx, e, *n, *warmup, began, wall, results)); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "bench: wrote %s\n", *jsonPath)
	}
	for _, r := range results {
		if r.err != nil {
			status = 1
		}
	}
	return status
}

// badEnv are the BENCH_ variables envInt could not read.
var badEnv []string

// envInt returns the integer in the environment variable name, def when
// it is unset; a value that is not an integer is remembered for
// envErrors and def is used meanwhile.
func envInt(name string, def int) int {
	s, ok := os.LookupEnv(name)
	if !ok || s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		badEnv = append(badEnv, fmt.Sprintf("%s=%q is not a whole number", name, s))
		return def
	}
	return v
}

// envErrors reports the variables envInt could not read.
func envErrors() error {
	if len(badEnv) == 0 {
		return nil
	}
	return fmt.Errorf("usage: %s", strings.Join(badEnv, "; "))
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// imageSet names the images the run used: labrunner's set from its
// registry, and the kinds set by hand.
func imageSet(cfg runner.Config) string {
	reg := cfg.Registry
	if reg == "" {
		reg = images.DefaultRegistry
	}
	s := "labrunner's images (" + reg + ")"
	for _, k := range runner.Kinds() {
		if cfg.HandSet(k) {
			s += ", " + k + ": " + cfg.Image(k)
		}
	}
	return s
}
