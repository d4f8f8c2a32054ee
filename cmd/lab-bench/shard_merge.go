package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The shard-merge rows (issue 17, point 7): a class of shardClass
// generated sql-join submissions (BENCH_SHARD_N sets another size) graded
// once whole and once as shardCount shards, one after the other, each
// with -j batchJobs, as the jobs of a CI matrix would on machines of
// their own, then merged with `lab grade merge`.
const (
	shardClass   = 2000
	shardCount   = 4
	projectClass = 10000
	projectJobs  = 20
)

// durationField is the one field of index.json that differs between two
// gradings of the same class: how long each submission and check took.
var durationField = regexp.MustCompile(`(?m)^\s*"duration_ms": [0-9.e+-]+,?\n`)

// shardMerge proves that a CI matrix gives the gradebook one run gives:
// the merge's gradebook.csv is byte-identical to the unsharded run's, and
// its index.json identical once the duration_ms fields are left out (the
// only fields that record time). A difference, or a wrong grade (a
// correct submission that did not pass, a wrong one that did not fail),
// makes the rows an error.
//
// From the measured runs it projects the wall time of projectClass
// submissions on a projectJobs-job matrix: a job's wall time is taken as
// a + b·n for n submissions, a (process start, the lab's services) and b
// (per submission) fitted through the unsharded run (n = N) and the
// shards' mean (n = N/4); the merge's time is scaled by the class size
// (it reads and writes every result). The projection is the slowest job
// (a + b·⌈10000/20⌉) plus the merge; it leaves out what no run here sees:
// the CI queue, runner boot, installing lab and fetching the images.
func shardMerge() benchmark {
	n := envInt("BENCH_SHARD_N", shardClass)
	var dir string
	return benchmark{
		name: "shard-merge",
		rows: []row{
			{op: fmt.Sprintf("lab grade %s: %d submissions, one run", labLab, n), unit: unitPerSecond,
				note: fmt.Sprintf("end to end, shared, -j %d; generated: solution, alternatives and wrong/ with per-student edits, 7 in 10 correct", batchJobs)},
			{op: fmt.Sprintf("the same as %d shards: per-shard throughput", shardCount), unit: unitPerSecond,
				note: fmt.Sprintf("--shard i/%d, one after the other, -j %d each; mean over the shards", shardCount, batchJobs)},
			{op: fmt.Sprintf("lab grade merge of %d shards", shardCount), unit: unitSeconds,
				note: "gradebook.csv byte-identical to the one run's; index.json identical but duration_ms"},
			{op: fmt.Sprintf("projected: %d submissions on a %d-job matrix", projectClass, projectJobs), unit: unitSeconds,
				note: "slowest job (a + b·n, fitted on the two runs above) + merge scaled by class size; without CI queue, runner boot, install, images"},
		},
		maxRuns:  1,
		noWarmup: true,
		setup: func(ctx context.Context, e *env) (func(), error) {
			var err error
			if dir, err = os.MkdirTemp("", "lab-bench-shards-"); err != nil {
				return nil, err
			}
			teardown := func() { os.RemoveAll(dir) }
			return teardown, writeGeneratedClass(filepath.Join(dir, "class"), n)
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			return gradeShardsAndMerge(ctx, e, dir, n)
		},
	}
}

func gradeShardsAndMerge(ctx context.Context, e *env, dir string, n int) ([]float64, error) {
	class := filepath.Join(dir, "class")
	grade := func(out string, extra ...string) (labRun, error) {
		os.RemoveAll(out)
		args := append([]string{"grade", labLab, class, "-j", strconv.Itoa(batchJobs), "--format", "json,csv", "--out", out}, extra...)
		return runLab(ctx, e, labOptions{timeout: 2 * time.Hour, codes: []int{1}}, args...)
	}
	whole := filepath.Join(dir, "whole")
	fmt.Fprintf(os.Stderr, "bench: shard-merge: grading %d submissions in one run\n", n)
	r, err := grade(whole)
	if err != nil {
		return nil, err
	}
	wholeWall := r.wall.Seconds()
	if err := checkGrades(filepath.Join(whole, "index.json"), n); err != nil {
		return nil, fmt.Errorf("one run: %w", err)
	}
	var shardWall float64
	var indexes []string
	for i := 1; i <= shardCount; i++ {
		out := filepath.Join(dir, fmt.Sprintf("shard-%d", i))
		fmt.Fprintf(os.Stderr, "bench: shard-merge: grading shard %d/%d\n", i, shardCount)
		r, err := grade(out, "--shard", fmt.Sprintf("%d/%d", i, shardCount))
		if err != nil {
			return nil, fmt.Errorf("shard %d: %w", i, err)
		}
		shardWall += r.wall.Seconds()
		indexes = append(indexes, filepath.Join(out, "index.json"))
	}
	shardWall /= shardCount
	merged := filepath.Join(dir, "merged")
	args := append([]string{"grade", "merge"}, indexes...)
	args = append(args, "--format", "json,csv", "--out", merged)
	mr, err := runLab(ctx, e, labOptions{timeout: 10 * time.Minute, codes: []int{1}}, args...)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := sameGradebook(whole, merged); err != nil {
		return nil, err
	}

	perShard := float64(n) / shardCount
	b := (wholeWall - shardWall) / (float64(n) - perShard)
	a := shardWall - perShard*b
	if b <= 0 || a < 0 {
		// Noise (a loaded machine) can make the fit meaningless; then the
		// shards' own rate, overhead and all, is the estimate.
		a, b = 0, shardWall/perShard
		e.warn("shard-merge: the fit of a job's time (one run %.1f s, a shard %.1f s) is not a + b·n with a, b ≥ 0; projected from the shards' rate alone", wholeWall, shardWall)
	}
	perJob := (projectClass + projectJobs - 1) / projectJobs
	projected := a + b*float64(perJob) + mr.wall.Seconds()*projectClass/float64(n)
	fmt.Fprintf(os.Stderr, "bench: shard-merge: one run %.1f s, a shard %.1f s on average, merge %.2f s; a job of n submissions ≈ %.2f s + %.3f s·n; %d jobs of %d → %.0f s\n",
		wholeWall, shardWall, mr.wall.Seconds(), a, b, projectJobs, perJob, projected)
	return []float64{float64(n) / wholeWall, perShard / shardWall, mr.wall.Seconds(), projected}, nil
}

// checkGrades reads a results index of the generated class: n results,
// "ok" ones passed, "wrong" ones failed.
func checkGrades(index string, n int) error {
	b, err := os.ReadFile(index)
	if err != nil {
		return err
	}
	var res struct {
		Submissions []struct {
			Submission string `json:"submission"`
			Status     string `json:"status"`
		} `json:"submissions"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("read %s: %w", index, err)
	}
	if len(res.Submissions) != n {
		return fmt.Errorf("%d results for %d submissions", len(res.Submissions), n)
	}
	var bad []string
	for _, s := range res.Submissions {
		want := "pass"
		if strings.Contains(s.Submission, "-wrong-") {
			want = "fail"
		}
		if s.Status != want {
			bad = append(bad, fmt.Sprintf("%s: %s, want %s", s.Submission, s.Status, want))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d of %d graded wrongly or errored: %s", len(bad), n, strings.Join(bad[:min(3, len(bad))], "; "))
	}
	return nil
}

// sameGradebook compares the outputs of the one run and of the merge.
func sameGradebook(whole, merged string) error {
	read := func(dir, name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	wc, err := read(whole, "gradebook.csv")
	if err != nil {
		return err
	}
	mc, err := read(merged, "gradebook.csv")
	if err != nil {
		return err
	}
	if !bytes.Equal(wc, mc) {
		return fmt.Errorf("the merged gradebook.csv differs from the one run's: %s", firstDiff(wc, mc))
	}
	wi, err := read(whole, "index.json")
	if err != nil {
		return err
	}
	mi, err := read(merged, "index.json")
	if err != nil {
		return err
	}
	wi, mi = durationField.ReplaceAll(wi, nil), durationField.ReplaceAll(mi, nil)
	if !bytes.Equal(wi, mi) {
		return fmt.Errorf("the merged index.json differs from the one run's, duration_ms aside: %s", firstDiff(wi, mi))
	}
	return nil
}

// firstDiff names the first line where a and b differ.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d: %q vs %q", i+1, x, y)
		}
	}
	return "no line differs"
}

// writeGeneratedClass writes n submission folders of sql-join into dir,
// each its own file: 7 in 10 hold a correct solution (the reference or
// one of alternatives/, in turn) and are named "s0007-ok", 3 in 10 a
// known-wrong one ("s0002-wrong-<name>"); each starts with a comment
// naming its student and ends with 0 to 2 blank lines, so that no two
// are the same bytes.
func writeGeneratedClass(dir string, n int) error {
	base := filepath.Join("labs", labLab)
	list := func(sub string) ([]string, error) {
		entries, err := os.ReadDir(filepath.Join(base, sub))
		if err != nil {
			return nil, err
		}
		var dirs []string
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(sub, e.Name()))
			}
		}
		return dirs, nil
	}
	alts, err := list("alternatives")
	if err != nil {
		return err
	}
	correct := append([]string{"solution"}, alts...)
	wrong, err := list("wrong")
	if err != nil {
		return err
	}
	if len(wrong) == 0 {
		return fmt.Errorf("lab %s has no wrong/ solutions", labLab)
	}
	ok, bad := 0, 0
	for i := range n {
		src, name := correct[ok%len(correct)], fmt.Sprintf("s%04d-ok", i)
		if i%10 == 2 || i%10 == 5 || i%10 == 8 {
			src = wrong[bad%len(wrong)]
			name = fmt.Sprintf("s%04d-wrong-%s", i, filepath.Base(src))
			bad++
		} else {
			ok++
		}
		sol, err := os.ReadFile(filepath.Join(base, src, "solution.sql"))
		if err != nil {
			return err
		}
		text := fmt.Sprintf("-- %s, student %d of %d\n%s%s", name, i+1, n, sol, strings.Repeat("\n", i%3))
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name, "solution.sql"), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
