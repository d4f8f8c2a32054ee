package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// submissionCheck passes when the submission's file holds want.
type submissionCheck struct{ file, want string }

func (c *submissionCheck) Validate() error { return nil }
func (c *submissionCheck) Run(ctx context.Context, env checks.Env) checks.Outcome {
	s, err := env.Submission(c.file)
	if err != nil {
		return checks.Errored(err.Error())
	}
	if !strings.Contains(s, c.want) {
		return checks.Failed("no " + c.want)
	}
	return checks.Passed()
}

// applyState is a state whose runs take any file.
type applyState struct{ recState }

func (s *applyState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	return resetRun{apply: func(ctx context.Context, f *labs.SubmissionFile, content string) error { return nil }}, nil
}

// proveLab is a lab of two checks on q.sql whose folder holds solutions.
func proveLab(t *testing.T, solutions map[string]string, wrong ...*labs.WrongSolution) *LabEnv {
	tg, _, _ := fakeTarget(t, "db", &labs.Service{Kind: labs.KindPostgres}, solutions)
	lab := tg.lab
	lab.Submission = []*labs.SubmissionFile{{File: "q.sql", Apply: labs.ApplySQL, Service: "db"}}
	lab.Checks = []*labs.CheckDef{
		{Name: "selects", Type: "fake", Service: "db", Points: 1, Check: &submissionCheck{"q.sql", "SELECT"}},
		{Name: "filters", Type: "fake", Service: "db", Points: 1, Check: &submissionCheck{"q.sql", "WHERE"}},
	}
	lab.Wrong = wrong
	var log []string
	return &LabEnv{Lab: lab, state: map[string]serviceState{"db": &applyState{recState{name: "db", log: &log}}}}
}

func TestProve(t *testing.T) {
	sols := map[string]string{
		"starter/q.sql":        "-- todo",
		"solution/q.sql":       "SELECT * FROM t WHERE x",
		"wrong/nowhere/q.sql":  "SELECT * FROM t",
		"wrong/mislabel/q.sql": "SELECT * FROM t",
	}
	env := proveLab(t, sols, &labs.WrongSolution{Name: "nowhere", Fails: []string{"filters"}},
		&labs.WrongSolution{Name: "mislabel", Fails: []string{"selects", "filters"}})
	p, err := Prove(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range p.Cases {
		got = append(got, c.Name+": "+c.Problem)
	}
	want := []string{"starter: ", "solution: ", "wrong/nowhere: ", "wrong/mislabel: must fail exactly [filters, selects], failed [filters]",
		"cheat/planner-settings on starter: ", "cheat/planner-settings on wrong/nowhere: ", "cheat/planner-settings on wrong/mislabel: ",
		"cheat/role-defaults on starter: ", "cheat/role-defaults on wrong/nowhere: ", "cheat/role-defaults on wrong/mislabel: "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || !p.Failed || p.Lab != "t" {
		t.Errorf("got\n%s\nwant\n%s (failed %t)", strings.Join(got, "\n"), strings.Join(want, "\n"), p.Failed)
	}
	if p.Cases[1].Report.Status != checks.Pass || p.Cases[1].Want != "passes every check" {
		t.Errorf("solution: %+v", p.Cases[1])
	}
}

// TestProveCheats: a neutral cheat that makes a failing check pass is a
// problem of the lab, named with what it fooled; the cheats of other
// apply modes are not played.
func TestProveCheats(t *testing.T) {
	env := proveLab(t, map[string]string{
		"starter/q.sql":       "-- todo",
		"solution/q.sql":      "SELECT * FROM t WHERE x",
		"wrong/nowhere/q.sql": "SELECT * FROM t",
	}, &labs.WrongSolution{Name: "nowhere", Fails: []string{"filters"}})
	// A check the planner settings fool: it passes on seeing them.
	env.Lab.Checks[1].Check = &submissionCheck{"q.sql", "enable_seqscan"}
	p, err := Prove(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, c := range p.Cases {
		if c.Problem != "" {
			problems = append(problems, c.Name+": "+c.Problem)
		}
		if strings.Contains(c.Name, "fake-tools") || strings.Contains(c.Name, "canned") {
			t.Errorf("a cheat of another apply mode was played: %s", c.Name)
		}
	}
	want := "cheat/planner-settings on wrong/nowhere: planner settings that make any index look used fooled filters: they pass with it"
	if !p.Failed || !strings.Contains(strings.Join(problems, "\n"), want) {
		t.Errorf("problems:\n%s\nwant one: %s", strings.Join(problems, "\n"), want)
	}
}

func TestProveProblems(t *testing.T) {
	env := proveLab(t, map[string]string{
		"starter/q.sql":  "SELECT WHERE",
		"solution/q.sql": "SELECT\nno filter",
	})
	p, err := Prove(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Failed || p.Cases[0].Problem != "the untouched starter passes every check" ||
		p.Cases[1].Problem != "the reference solution does not pass: filters fail: no WHERE" {
		t.Errorf("problems %q, %q", p.Cases[0].Problem, p.Cases[1].Problem)
	}

	// A starter that earns points: the guard it passes must give none.
	env = proveLab(t, map[string]string{"starter/q.sql": "SELECT 1", "solution/q.sql": "SELECT WHERE"})
	p, err = Prove(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if want := "the untouched starter scores 1 point (selects pass on it): a check the starter passes is a guard; give it points: 0"; !p.Failed || p.Cases[0].Problem != want {
		t.Errorf("starter: %q, want %q", p.Cases[0].Problem, want)
	}
	env.Lab.Checks[0].Points = 0
	if p, err = Prove(context.Background(), env); err != nil || p.Failed {
		t.Errorf("a guard of no points: %v, %+v", err, p.Cases[0])
	}

	// A solution folder without the file: the file did not apply, and the
	// checks of its service are skipped.
	env = proveLab(t, map[string]string{"starter/q.sql": "x", "solution/q.sql": "SELECT WHERE", "wrong/empty/other.sql": ""},
		&labs.WrongSolution{Name: "empty", Fails: []string{"selects"}})
	p, err = Prove(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Cases[2].Problem; got != `must fail exactly [selects], failed [apply q.sql]` {
		t.Errorf("wrong/empty: %q", got)
	}
}

func TestReadSolution(t *testing.T) {
	env := proveLab(t, map[string]string{"solution/q.sql": "SELECT"})
	env.Lab.Submission = append(env.Lab.Submission, &labs.SubmissionFile{File: "extra.sql"})
	sub, err := ReadSolution(env.Lab, "solution")
	if err != nil || len(sub) != 1 || sub["q.sql"] != "SELECT" {
		t.Errorf("got %v, %v", sub, err)
	}
}

func TestFirstLine(t *testing.T) {
	if got := firstLine("a\nb"); got != "a …" {
		t.Errorf("got %q", got)
	}
	if got := firstLine("a"); got != "a" {
		t.Errorf("got %q", got)
	}
}
