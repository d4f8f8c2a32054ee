package runner_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// caseLines is a proof as one line per case, with its verdict and the
// score of each check.
func caseLines(p *runner.Proof) string {
	var out []string
	for _, c := range p.Cases {
		line := fmt.Sprintf("%s: %s %q", c.Name, c.Report.Status, c.Problem)
		for _, r := range c.Report.Results {
			line += fmt.Sprintf(" %s=%s(%d)", r.Name, r.Status, r.Score)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestProveLabParallel: a lab proven with its cases graded three at once,
// twice over, gets the proof it gets with one case after the other on one
// env, check for check, for a Postgres lab (a slot per worker) and for
// labs of other kinds (services per worker); nothing is left running.
func TestProveLabParallel(t *testing.T) {
	d := dockertest.Driver(t)
	all, err := labs.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sql-join", "nginx-static"} {
		t.Run(id, func(t *testing.T) {
			var lab *labs.Lab
			for _, l := range all {
				if l.ID == id {
					lab = l
				}
			}
			if lab == nil {
				t.Fatalf("no bundled lab %s", id)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			env := dockertest.StartLab(t, ctx, d, lab)
			want, err := runner.Prove(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			label := engine.LabelPID + "=" + strconv.Itoa(os.Getpid())
			before, _, err := d.List(ctx, label)
			if err != nil {
				t.Fatal(err)
			}
			proofs, err := d.ProveLab(ctx, lab, runner.ProveOptions{Jobs: 3, Repeat: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(proofs) != 2 {
				t.Fatalf("%d proofs for 2 runs", len(proofs))
			}
			for n, p := range proofs {
				if got := caseLines(p); got != caseLines(want) || p.Failed {
					t.Errorf("run %d, three at once:\n%s\nwant, one after the other:\n%s", n+1, got, caseLines(want))
				}
			}
			after, _, err := d.List(ctx, label)
			if err != nil || len(after) != len(before) {
				t.Errorf("%d containers of this test before ProveLab, %d after (%v)", len(before), len(after), err)
			}
		})
	}
}
