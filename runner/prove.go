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
// names; skipped checks are not counted), on the running lab env. Then
// it plays the kit of generic cheats (cheats.go) on the starter and the
// wrong solutions: none may make a failing check pass.
func Prove(ctx context.Context, env *LabEnv) (*Proof, error) {
	lab := env.Lab
	p := &Proof{Lab: lab.ID}
	type tcase struct {
		name, dir, want string
		fails           []string // a wrong solution's checks
	}
	cases := []tcase{{name: "starter", dir: labs.StarterDir, want: "fails at least one check"}}
	sol := lab.Solution
	if sol == "" {
		sol = labs.DefaultSolution
	}
	cases = append(cases, tcase{name: "solution", dir: sol, want: "passes every check"})
	for _, a := range lab.Alternatives() {
		cases = append(cases, tcase{name: labs.AlternativesDir + "/" + a, dir: path.Join(labs.AlternativesDir, a), want: "passes every check"})
	}
	for _, w := range lab.Wrong {
		cases = append(cases, tcase{name: "wrong/" + w.Name, dir: path.Join(labs.WrongDir, w.Name),
			want: "fails exactly " + strings.Join(w.Fails, ", "), fails: w.Fails})
	}
	var bases []base
	for _, c := range cases {
		sub, err := ReadSolution(lab, c.dir)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", c.dir, err)
		}
		rep, err := env.Check(ctx, sub, CheckOptions{Name: c.name})
		if err != nil {
			return nil, fmt.Errorf("grade %s of %s: %w", c.name, lab.ID, err)
		}
		pc := ProofCase{Name: c.name, Want: c.want, Report: rep}
		switch {
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
		if c.name == "starter" || c.fails != nil {
			bases = append(bases, base{c.name, sub, rep})
		}
	}
	for _, ch := range cheatsFor(lab) {
		for _, b := range bases {
			if !ch.neutral && b.name != "starter" {
				continue
			}
			rep, err := env.Check(ctx, cheated(lab, ch, b.sub), CheckOptions{Name: "cheat " + ch.name})
			if err != nil {
				return nil, fmt.Errorf("grade cheat %s on %s of %s: %w", ch.name, b.name, lab.ID, err)
			}
			pc := ProofCase{Name: "cheat/" + ch.name + " on " + b.name, Report: rep}
			if ch.neutral {
				pc.Want = "fails what " + b.name + " fails (" + ch.about + ")"
				if fooled := newlyPassed(b.rep, rep); len(fooled) > 0 {
					pc.Problem = fmt.Sprintf("%s fooled %s: they pass with it", ch.about, strings.Join(fooled, ", "))
				}
			} else {
				pc.Name = "cheat/" + ch.name
				pc.Want = "fails at least one check (" + ch.about + ")"
				if rep.Status == checks.Pass {
					pc.Problem = ch.about + " passes every check"
				}
			}
			if pc.Problem != "" {
				p.Failed = true
			}
			p.Cases = append(p.Cases, pc)
		}
	}
	return p, nil
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

// base is a graded solution that fails some checks, which the neutral
// cheats are added to.
type base struct {
	name string
	sub  Submission
	rep  *checks.Report
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
