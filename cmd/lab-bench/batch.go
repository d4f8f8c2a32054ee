package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Batch sizes and parallelism of the batch rows: -j is the machine's 2
// cores. Container isolation costs seconds per submission, so it grades a
// sample of the same mix; throughput makes the two comparable.
const (
	batchShared    = 100
	batchContainer = 10
	batchJobs      = 2
)

// batchGrade measures `lab grade` of a class: batchShared submissions of
// sql-join, 7 in 10 the reference solution and 3 in 10 a known-wrong one
// (each of the lab's wrong/ solutions in turn), graded in shared mode
// (each submission its own role and databases on one server), against
// --isolation container (fresh containers per submission) on
// batchContainer submissions of the same mix. Both are end to end, from
// process start to exit, as a CI job sees them. The results are checked:
// every reference solution passes and every wrong one fails.
func batchGrade() benchmark {
	var dir string
	return benchmark{
		name: "batch",
		rows: []row{
			{op: fmt.Sprintf("lab grade %s: %d submissions", labLab, batchShared), unit: unitPerSecond,
				note: fmt.Sprintf("end to end; shared, -j %d, 70%% correct / 30%% wrong; vs --isolation container on %d of the same mix; 1 run + 1 warm-up per side; target ≥ 10/s and ratio ≥ 10×", batchJobs, batchContainer)},
			{op: fmt.Sprintf("lab grade %d submissions peak RSS", batchShared), unit: unitBytes,
				note: "shared mode, same runs; GNU time %M of lab", noRef: true},
		},
		maxRuns: 1,
		setup: func(ctx context.Context, e *env) (func(), error) {
			var err error
			if dir, err = os.MkdirTemp("", "lab-bench-batch-"); err != nil {
				return nil, err
			}
			teardown := func() { os.RemoveAll(dir) }
			for _, n := range []int{batchShared, batchContainer} {
				if err := writeClass(filepath.Join(dir, strconv.Itoa(n)), n); err != nil {
					return teardown, err
				}
			}
			return teardown, nil
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			r, err := gradeClass(ctx, e, dir, batchShared, "shared")
			if err != nil {
				return nil, err
			}
			return []float64{batchShared / r.wall.Seconds(), r.maxRSS}, nil
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			r, err := gradeClass(ctx, e, dir, batchContainer, "container")
			if err != nil {
				return nil, err
			}
			return []float64{batchContainer / r.wall.Seconds(), 0}, nil
		},
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// writeClass writes n submission folders into dir: "s007-ok" holds the
// reference solution, "s002-wrong-<name>" a known-wrong one.
func writeClass(dir string, n int) error {
	wrong, err := os.ReadDir(filepath.Join("labs", labLab, "wrong"))
	if err != nil {
		return err
	}
	if len(wrong) == 0 {
		return fmt.Errorf("lab %s has no wrong/ solutions", labLab)
	}
	w := 0
	for i := range n {
		src, name := filepath.Join("labs", labLab, "solution"), fmt.Sprintf("s%03d-ok", i)
		if i%10 == 2 || i%10 == 5 || i%10 == 8 {
			kind := wrong[w%len(wrong)].Name()
			w++
			src, name = filepath.Join("labs", labLab, "wrong", kind), fmt.Sprintf("s%03d-wrong-%s", i, kind)
		}
		sol, err := os.ReadFile(filepath.Join(src, "solution.sql"))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name, "solution.sql"), sol, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// gradeClass runs `lab grade` on the class of n under GNU time and checks
// its results index, index.json: one result per submission, "ok" ones passed, "wrong"
// ones failed, none errored.
func gradeClass(ctx context.Context, e *env, dir string, n int, isolation string) (labRun, error) {
	out := filepath.Join(dir, "out-"+isolation)
	os.RemoveAll(out)
	r, err := runLab(ctx, e, labOptions{timeout: 10 * time.Minute, codes: []int{1}, rss: true},
		"grade", labLab, filepath.Join(dir, strconv.Itoa(n)), "-j", strconv.Itoa(batchJobs),
		"--isolation", isolation, "--format", "json", "--out", out)
	if err != nil {
		return r, err
	}
	b, err := os.ReadFile(filepath.Join(out, "index.json"))
	if err != nil {
		return r, err
	}
	var res struct {
		Submissions []struct {
			Submission string `json:"submission"`
			Status     string `json:"status"`
			Message    string `json:"message"`
		} `json:"submissions"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return r, fmt.Errorf("read index.json: %w", err)
	}
	if len(res.Submissions) != n {
		return r, fmt.Errorf("%d results for %d submissions", len(res.Submissions), n)
	}
	// A pass where a fail is due (or the reverse) is a wrong grade, and the
	// measurement is void. An error (the environment failed, and the
	// report says so) is counted against the tool but keeps the
	// measurement; it is shown as a warning unless too many errored.
	var wrong, errored []string
	for _, s := range res.Submissions {
		want := "pass"
		if strings.Contains(s.Submission, "-wrong-") {
			want = "fail"
		}
		switch {
		case s.Status == "error":
			errored = append(errored, fmt.Sprintf("%s: %s", s.Submission, firstLine(s.Message)))
		case s.Status != want:
			wrong = append(wrong, fmt.Sprintf("%s: %s, want %s", s.Submission, s.Status, want))
		}
	}
	sort.Strings(wrong)
	sort.Strings(errored)
	if len(wrong) > 0 {
		return r, fmt.Errorf("--isolation %s graded %d of %d submissions wrongly: %s", isolation, len(wrong), n, strings.Join(wrong[:min(3, len(wrong))], "; "))
	}
	if len(errored) > n/10 {
		return r, fmt.Errorf("--isolation %s: %d of %d submissions errored: %s", isolation, len(errored), n, strings.Join(errored[:3], "; "))
	}
	if len(errored) > 0 {
		e.warn("lab grade --isolation %s: %d of %d submissions errored instead of being graded: %s", isolation, len(errored), n, strings.Join(errored, "; "))
	}
	return r, nil
}
