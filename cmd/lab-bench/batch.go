package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/labrunner/labrunner/labs"
)

// batchLabs are the labs the batch rows grade: one of each kind of lab
// (SQL, nginx, box, program), as issue 16 asks.
var batchLabs = []string{labLab, "nginx-static", "linux-permissions", "redis-cache-aside"}

// batchJobs is the default -j of the batch rows, and the -j of the
// shard-merge rows: the machine's 2 cores.
const batchJobs = 2

// batchConfig sizes the batch rows (-batch, -batch-container,
// -batch-jobs). Container isolation costs seconds per submission, so it
// grades the first container submissions of the same mix; throughput
// makes the two comparable.
type batchConfig struct {
	shared, container, jobs int
}

// batchGrade measures `lab grade` of a class of lab: c.shared generated
// submissions, 7 in 10 right (the reference solution and each of the
// lab's alternatives/ in turn) and 3 in 10 wrong (each of its wrong/ in
// turn), graded with the default isolation (shared: each worker's
// services reset between submissions, or a role and databases of their
// own per submission on one Postgres server), against --isolation
// container (fresh containers per submission) on the first c.container
// of the same mix. Both are end to end, from process start to exit, as a
// CI job sees them, with c.jobs submissions at once. Every verdict is
// checked: a right submission that does not pass, or a wrong one that
// does not fail, voids the rows (the bench exits 1): a fast wrong grader
// is worth nothing.
//
// Besides the throughput, each side reports the peak RSS of the lab
// process (GNU time) and the peak memory of the containers it ran
// (containerMemory).
func batchGrade(lab string, c batchConfig) benchmark {
	var dir string
	warm := "1 run + 1 warm-up per side"
	if lab != labLab {
		// Seconds per submission: one run, on images the cold and warm
		// rows of the lab have just used.
		warm = "1 run per side, no warm-up"
	}
	return benchmark{
		name: "batch-" + lab,
		rows: []row{
			{op: fmt.Sprintf("lab grade %s: %d submissions", lab, c.shared), unit: unitPerSecond,
				note: fmt.Sprintf("end to end; shared isolation, -j %d, 70%% right (solution + alternatives) / 30%% wrong (wrong/), every verdict checked; vs --isolation container on %d of the same mix; %s; %s",
					c.jobs, min(c.container, c.shared), warm, batchTarget(lab))},
			{op: fmt.Sprintf("lab grade %s peak RSS", lab), unit: unitBytes,
				note: "same runs, shared vs container: GNU time %M of the lab process"},
			{op: fmt.Sprintf("lab grade %s containers' peak memory", lab), unit: unitBytes,
				note: fmt.Sprintf("same runs, shared vs container: %s", containerMemoryNote)},
		},
		maxRuns:  1,
		noWarmup: lab != labLab,
		setup: func(ctx context.Context, e *env) (func(), error) {
			var err error
			if dir, err = os.MkdirTemp("", "lab-bench-batch-"); err != nil {
				return nil, err
			}
			teardown := func() { os.RemoveAll(dir) }
			for _, n := range []int{c.shared, min(c.container, c.shared)} {
				if err := writeClass(filepath.Join(dir, strconv.Itoa(n)), lab, n); err != nil {
					return teardown, err
				}
			}
			return teardown, nil
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			return gradeClass(ctx, e, dir, lab, c.shared, c.jobs, "shared")
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			return gradeClass(ctx, e, dir, lab, min(c.container, c.shared), c.jobs, "container")
		},
	}
}

// batchTarget is DESIGN.md's batch target for the kind of lab.
func batchTarget(lab string) string {
	switch lab {
	case labLab:
		return "target ≥ 100/s (SQL) and ratio ≥ 10×"
	case "redis-cache-aside":
		return "target ≥ 5/s (program lab) and ratio ≥ 10×"
	}
	return "target ≥ 10/s (nginx and box labs) and ratio ≥ 10×"
}

// classMember is one generated submission: where its files come from and
// the verdict it must get.
type classMember struct {
	name string // folder name: s007-ok-solution, s002-wrong-count-star
	src  string // folder of the lab it is copied from: solution, alternatives/x, wrong/y
	pass bool
}

// classMix returns n submissions: members i with i%10 in {2, 5, 8} wrong
// (30 in 100), taking wrong in turn, the others right, taking right in
// turn.
func classMix(n int, right, wrong []string) []classMember {
	out := make([]classMember, 0, n)
	r, w := 0, 0
	for i := range n {
		if i%10 == 2 || i%10 == 5 || i%10 == 8 {
			src := wrong[w%len(wrong)]
			w++
			out = append(out, classMember{name: fmt.Sprintf("s%03d-wrong-%s", i, filepath.Base(src)), src: src})
			continue
		}
		src := right[r%len(right)]
		r++
		out = append(out, classMember{name: fmt.Sprintf("s%03d-ok-%s", i, filepath.Base(src)), src: src, pass: true})
	}
	return out
}

// classSources returns the folders of lab (relative to it) with right
// and wrong solutions: its reference solution and alternatives/, and its
// wrong/ solutions as lab.yaml lists them.
func classSources(lab string) (l *labs.Lab, right, wrong []string, err error) {
	if l, err = loadLab(os.DirFS("labs"), lab); err != nil {
		return nil, nil, nil, err
	}
	right = []string{l.Solution}
	for _, a := range l.Alternatives() {
		right = append(right, path.Join("alternatives", a))
	}
	for _, w := range l.Wrong {
		wrong = append(wrong, filepath.Join("wrong", w.Name))
	}
	if len(wrong) == 0 {
		return nil, nil, nil, fmt.Errorf("lab %s has no wrong/ solutions to mix into the class", lab)
	}
	return l, right, wrong, nil
}

// writeClass writes the n submission folders of classMix into dir, each
// with every file of the lab's submission list.
func writeClass(dir, lab string, n int) error {
	l, right, wrong, err := classSources(lab)
	if err != nil {
		return err
	}
	for _, m := range classMix(n, right, wrong) {
		if err := os.MkdirAll(filepath.Join(dir, m.name), 0o755); err != nil {
			return err
		}
		for _, f := range l.Submission {
			b, err := fs.ReadFile(l.FS(), path.Join(m.src, f.File))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, m.name, f.File), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// gradeClass runs `lab grade` on the class of n under GNU time, sampling
// the memory of the containers it starts, checks every verdict in its
// results index (index.json), and returns the submissions per second,
// the lab process's peak RSS and the containers' peak memory.
func gradeClass(ctx context.Context, e *env, dir, lab string, n, jobs int, isolation string) ([]float64, error) {
	out := filepath.Join(dir, "out-"+isolation)
	os.RemoveAll(out)
	mem := newContainerMemory(e)
	r, err := runLab(ctx, e, labOptions{timeout: 15 * time.Minute, codes: []int{1}, rss: true, started: mem.start},
		"grade", lab, filepath.Join(dir, strconv.Itoa(n)), "-j", strconv.Itoa(jobs),
		"--isolation", isolation, "--format", "json", "--out", out)
	peak, merr := mem.stop()
	if err != nil {
		return nil, err
	}
	if merr != nil {
		e.warn("lab grade %s --isolation %s: containers' memory not measured: %v", lab, isolation, merr)
		peak = notMeasured
	}
	b, err := os.ReadFile(filepath.Join(out, "index.json"))
	if err != nil {
		return nil, err
	}
	if err := checkVerdicts(b, n); err != nil {
		// The evidence outlives the run's temporary folder.
		kept := filepath.Join("bin", fmt.Sprintf("bench-verdicts-%s-%s.json", lab, isolation))
		if werr := os.WriteFile(kept, b, 0o644); werr == nil {
			err = fmt.Errorf("%w (the whole index: %s)", err, kept)
		}
		return nil, fmt.Errorf("lab grade %s --isolation %s: %w", lab, isolation, err)
	}
	return []float64{float64(n) / r.wall.Seconds(), r.maxRSS, peak}, nil
}
