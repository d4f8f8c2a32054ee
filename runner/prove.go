package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// Proof is the outcome of proving one lab: each of its solutions graded
// against what it must do.
type Proof struct {
	Lab    string
	Cases  []ProofCase
	Failed bool
}

// ProofCase is one solution of a lab graded once.
type ProofCase struct {
	// Name is "starter", "solution", "alternatives/<name>" or "wrong/<name>".
	Name string
	// Want says what the case must do, for messages.
	Want string
	// Report is the grading report.
	Report *checks.Report
	// Problem is "" when the case did what it must, else why not.
	Problem string
}

// ReadSolution reads the submission files of a lab folder of solutions
// ("starter", "solution", "wrong/x"). A file the folder lacks is left out.
func ReadSolution(lab *labs.Lab, dir string) (Submission, error) {
	sub := Submission{}
	for _, f := range lab.Submission {
		b, err := fs.ReadFile(lab.FS(), path.Join(dir, f.File))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		sub[f.File] = string(b)
	}
	return sub, nil
}

// Prove grades the lab's untouched starter (it must fail at least one
// check), its reference solution and each alternative correct one (they
// must pass every check) and each
// known-wrong solution (the checks that fail must be exactly those it
// names; skipped checks are not counted), on the running lab env, one
// case after the other. Then it plays the kit of generic cheats
// (cheats.go) on the starter and the wrong solutions: none may make a
// failing check pass. Driver.ProveLab grades the same cases, several at
// once (prove_batch.go).
func Prove(ctx context.Context, env *LabEnv) (*Proof, error) {
	plan, err := proofPlan(env.Lab)
	if err != nil {
		return nil, err
	}
	reports := make([]*checks.Report, len(plan))
	for i, c := range plan {
		rep, err := env.Check(ctx, c.sub, CheckOptions{Name: c.checkName()})
		if err != nil {
			return nil, c.gradeError(env.Lab, err)
		}
		reports[i] = rep
	}
	return judgeProof(env.Lab, plan, reports), nil
}

// proofCase is one grading of a proof: a solution of the lab's folder,
// or a cheat played on one.
type proofCase struct {
	name, want string
	fails      []string // a wrong solution's checks
	sub        Submission
	// cheat is the cheat played, else nil; a neutral one is played on
	// the case at index base of the plan.
	cheat *cheat
	base  int
	on    string // the name of the case at base
}

// checkName is the case's name in its report.
func (c proofCase) checkName() string {
	if c.cheat != nil {
		return "cheat " + c.cheat.name
	}
	return c.name
}

// gradeError is the error of a case the environment could not grade.
func (c proofCase) gradeError(lab *labs.Lab, err error) error {
	if c.cheat != nil {
		return fmt.Errorf("grade cheat %s on %s of %s: %w", c.cheat.name, c.on, lab.ID, err)
	}
	return fmt.Errorf("grade %s of %s: %w", c.name, lab.ID, err)
}

// proofPlan lists the gradings of a proof of lab, in the order of its
// report: the starter, the solution, the alternatives, the wrong
// solutions, then each cheat on the starter and (neutral ones) on each
// wrong solution. Each grading is independent of the others: their
// submissions are known before any is graded.
func proofPlan(lab *labs.Lab) ([]proofCase, error) {
	plan := []proofCase{{name: "starter", want: "fails at least one check"}}
	dirs := []string{labs.StarterDir}
	sol := lab.Solution
	if sol == "" {
		sol = labs.DefaultSolution
	}
	plan = append(plan, proofCase{name: "solution", want: "passes every check"})
	dirs = append(dirs, sol)
	for _, a := range lab.Alternatives() {
		plan = append(plan, proofCase{name: labs.AlternativesDir + "/" + a, want: "passes every check"})
		dirs = append(dirs, path.Join(labs.AlternativesDir, a))
	}
	for _, w := range lab.Wrong {
		plan = append(plan, proofCase{name: "wrong/" + w.Name, want: "fails exactly " + strings.Join(w.Fails, ", "), fails: w.Fails})
		dirs = append(dirs, path.Join(labs.WrongDir, w.Name))
	}
	var bases []int // the starter and the wrong solutions
	for i, dir := range dirs {
		sub, err := ReadSolution(lab, dir)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
		plan[i].sub = sub
		if plan[i].name == "starter" || plan[i].fails != nil {
			bases = append(bases, i)
		}
	}
	for _, ch := range cheatsFor(lab) {
		for _, b := range bases {
			if !ch.neutral && plan[b].name != "starter" {
				continue
			}
			c := proofCase{name: "cheat/" + ch.name, sub: cheated(lab, ch, plan[b].sub), cheat: &ch, base: b, on: plan[b].name}
			if ch.neutral {
				c.name += " on " + plan[b].name
				c.want = "fails what " + plan[b].name + " fails (" + ch.about + ")"
			} else {
				c.want = "fails at least one check (" + ch.about + ")"
			}
			plan = append(plan, c)
		}
	}
	return plan, nil
}

// judgeProof is the proof of lab whose plan graded reports (one each, in
// the plan's order): each case's problem, if it did not do what it must.
func judgeProof(lab *labs.Lab, plan []proofCase, reports []*checks.Report) *Proof {
	p := &Proof{Lab: lab.ID}
	for i, c := range plan {
		rep := reports[i]
		pc := ProofCase{Name: c.name, Want: c.want, Report: rep}
		switch {
		case c.cheat != nil && c.cheat.neutral:
			if fooled := newlyPassed(reports[c.base], rep); len(fooled) > 0 {
				pc.Problem = fmt.Sprintf("%s fooled %s: they pass with it", c.cheat.about, strings.Join(fooled, ", "))
			}
		case c.cheat != nil:
			if rep.Status == checks.Pass {
				pc.Problem = c.cheat.about + " passes every check"
			}
		case c.name == "starter":
			if rep.Status == checks.Pass {
				pc.Problem = "the untouched starter passes every check"
			} else if rep.Score > 0 {
				pc.Problem = starterScores(rep)
			}
		case c.name == "solution":
			if rep.Status != checks.Pass {
				pc.Problem = "the reference solution does not pass: " + notPassed(rep)
			}
		case c.fails == nil:
			if rep.Status != checks.Pass {
				pc.Problem = "this correct solution does not pass: " + notPassed(rep)
			}
		default:
			want := slices.Clone(c.fails)
			sort.Strings(want)
			got := failedChecks(rep)
			if errs := erroredChecks(rep); len(errs) > 0 {
				pc.Problem = "checks errored: " + strings.Join(errs, ", ")
			} else if !slices.Equal(want, got) {
				pc.Problem = fmt.Sprintf("must fail exactly [%s], failed [%s]", strings.Join(want, ", "), strings.Join(got, ", "))
			}
		}
		if pc.Problem != "" {
			p.Failed = true
		}
		p.Cases = append(p.Cases, pc)
	}
	return p
}

// starterScores is the problem of a starter that earns points: the
// checks it passes guard what the learner must not break (the data stays
// intact, nothing is opened too wide), and a guard that any untouched or
// empty submission passes must give no points.
func starterScores(rep *checks.Report) string {
	var passed []string
	for _, r := range rep.Results {
		if r.Status == checks.Pass && r.Score > 0 {
			passed = append(passed, r.Name)
		}
	}
	unit := "points"
	if rep.Score == 1 {
		unit = "point"
	}
	return fmt.Sprintf("the untouched starter scores %d %s (%s pass on it): a check the starter passes is a guard; give it points: 0",
		rep.Score, unit, strings.Join(passed, ", "))
}

// newlyPassed returns the checks that did not pass in before and pass in
// after.
func newlyPassed(before, after *checks.Report) []string {
	was := map[string]bool{}
	for _, r := range before.Results {
		was[r.Name] = r.Status == checks.Pass
	}
	var out []string
	for _, r := range after.Results {
		if r.Status == checks.Pass && !was[r.Name] {
			out = append(out, r.Name)
		}
	}
	return out
}

func failedChecks(rep *checks.Report) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Status == checks.Fail {
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

func erroredChecks(rep *checks.Report) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Status == checks.Error {
			out = append(out, r.Name+" ("+r.Message+")")
		}
	}
	return out
}

func notPassed(rep *checks.Report) string {
	var out []string
	for _, r := range rep.Results {
		if r.Status != checks.Pass {
			out = append(out, fmt.Sprintf("%s %s: %s", r.Name, r.Status, firstLine(r.Message)))
		}
	}
	return strings.Join(out, "; ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
