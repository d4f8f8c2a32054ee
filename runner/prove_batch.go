package runner

import (
	"context"
	"errors"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// ProveOptions tune Driver.ProveLab.
type ProveOptions struct {
	// Jobs is how many cases of the lab are graded at once; 0 means 1.
	Jobs int
	// Repeat proves the lab this many times, to catch flaky checks; 0
	// means 1.
	Repeat int
	// Deadline bounds grading one case; 0 means DefaultProveDeadline. A
	// case that outlives it is an error of the proof, not a verdict.
	Deadline time.Duration
}

// DefaultProveDeadline bounds one case of a proof: far above what any
// bundled lab's case takes, so that only a hang meets it.
const DefaultProveDeadline = 10 * time.Minute

// ProveLab proves lab as Prove does, opts.Repeat times, on services of
// its own that it removes before it returns. The cases of every run are
// graded up to opts.Jobs at once by the batch (GradeBatch, with shared
// isolation): each worker grades in its own slot of one Postgres server,
// or on its own services for other kinds, so that no case sees what
// another one did, and a case's report does not depend on which worker
// graded it or what it graded before. A failure of the environment is
// retried as in a batch. It returns one proof per run, in order; when a
// case could not be graded, the proofs of the runs before its run and
// that case's error.
func (d *Driver) ProveLab(ctx context.Context, lab *labs.Lab, opts ProveOptions) ([]*Proof, error) {
	deadline := opts.Deadline
	if deadline <= 0 {
		deadline = DefaultProveDeadline
	}
	return proveRuns(lab, max(opts.Repeat, 1), func(entries []Entry) ([]graded, error) {
		return d.gradeBatch(ctx, lab, entries, BatchOptions{Jobs: opts.Jobs, Isolation: IsolationShared, Deadline: deadline})
	})
}

// proveRuns grades the plan of lab (proofPlan) repeat times over with
// grade, which gets every case of every run at once and returns their
// outcomes in the same order, and judges each run.
func proveRuns(lab *labs.Lab, repeat int, grade func([]Entry) ([]graded, error)) ([]*Proof, error) {
	plan, err := proofPlan(lab)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, repeat*len(plan))
	for range repeat {
		for _, c := range plan {
			entries = append(entries, Entry{Name: c.checkName(), Files: c.sub})
		}
	}
	out, err := grade(entries)
	if err != nil {
		return nil, err
	}
	var proofs []*Proof
	for n := range repeat {
		reports := make([]*checks.Report, len(plan))
		for i, c := range plan {
			g := out[n*len(plan)+i]
			if g.err == nil && g.rep == nil {
				g.err = errors.New("not graded")
			}
			if g.err != nil {
				return proofs, c.gradeError(lab, g.err)
			}
			reports[i] = g.rep
		}
		proofs = append(proofs, judgeProof(lab, plan, reports))
	}
	return proofs, nil
}
