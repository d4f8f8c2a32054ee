package runner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// readySpares returns the ids of the session's ready spare containers.
func readySpares(t *testing.T, ctx context.Context, d *runner.Driver, env *runner.LabEnv) []string {
	t.Helper()
	list, err := d.Client().ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", engine.LabelSession+"="+env.Session.ID)})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	var ids []string
	for _, c := range list.Items {
		for _, n := range c.Names {
			if strings.Contains(n, "-spare-") && !strings.Contains(n, "-spare-prep-") {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids
}

// TestBoxSpareNotPoisoned: a spare box is ready while a hostile script
// runs in the box (files, users, tools replaced, processes left running,
// the box stopped); the next check's reset adopts that very spare, and
// the correct script passes there as on a box just seeded: what the
// hostile one did stayed in its own box.
func TestBoxSpareNotPoisoned(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, cleanBoxLab())
	if !env.SparesSupported() {
		t.Fatal("a lone box cannot have a spare")
	}
	for _, p := range boxPoisoners {
		t.Run(p.name, func(t *testing.T) {
			// A box as seeded, so that the hostile check does not
			// reset (which would use up the spare), then a spare.
			if err := env.Reset(ctx); err != nil {
				t.Fatalf("reset: %v", err)
			}
			if err := env.PrepareSpares(ctx); err != nil {
				t.Fatalf("prepare spares: %v", err)
			}
			spares := readySpares(t, ctx, d, env)
			if len(spares) != 1 {
				t.Fatalf("%d ready spares, want 1", len(spares))
			}
			if _, err := env.Check(ctx, runner.Submission{"solution.sh": p.script}, runner.CheckOptions{Name: "poison"}); err != nil {
				t.Fatalf("check the hostile script: %v", err)
			}
			rep, err := env.Check(ctx, runner.Submission{"solution.sh": boxSolution}, runner.CheckOptions{Name: "correct"})
			if err != nil {
				t.Fatalf("check the correct script: %v", err)
			}
			if got := env.Session.Service("box").ContainerID; got != spares[0] {
				t.Errorf("the box after the reset is %.12s, not the spare %.12s", got, spares[0])
			}
			if rep.Status != checks.Pass {
				t.Errorf("the correct script on the spare: %s %s", statuses(rep), messages(rep))
			}
			if left := readySpares(t, ctx, d, env); len(left) != 0 {
				t.Errorf("ready spares after the adoption: %v", left)
			}
		})
	}
}
