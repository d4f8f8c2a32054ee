package runner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestLoneBoxHasNoNetwork: a box alone in its lab gets no network at all,
// before and after a reset recreates it: the session creates none (which
// spares a cold check two network creates and removes), the box has only
// loopback, and nothing outside answers it.
func TestLoneBoxHasNoNetwork(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, boxLab())
	look := func(t *testing.T) {
		t.Helper()
		_, networks, err := d.List(ctx, engine.LabelSession+"="+env.Session.ID)
		if err != nil || len(networks) > 0 {
			t.Errorf("the session has networks %q (%v)", networks, err)
		}
		box := env.Session.Service("box")
		res, err := box.Exec(ctx, []string{"ls", "/sys/class/net"}, engine.ExecOptions{})
		if err != nil || strings.Fields(res.Stdout)[0] != "lo" || len(strings.Fields(res.Stdout)) != 1 {
			t.Errorf("the box's interfaces: %q %v", res.Stdout, err)
		}
		res, err = box.Exec(ctx, []string{"bash", "-c", "timeout 2 bash -c 'exec 3<>/dev/tcp/1.1.1.1/80' && echo reached"}, engine.ExecOptions{})
		if err != nil || strings.Contains(res.Stdout, "reached") {
			t.Errorf("the box reached out: %q %v", res.Stdout, err)
		}
	}
	t.Run("started", look)
	t.Run("after a reset", func(t *testing.T) {
		rep, err := env.Check(ctx, runner.Submission{"solution.sh": boxSolution}, runner.CheckOptions{Name: t.Name()})
		if err != nil || rep.Status != checks.Pass {
			t.Fatalf("check: %v %+v", err, rep)
		}
		if _, err := env.Check(ctx, runner.Submission{"solution.sh": boxSolution}, runner.CheckOptions{Name: t.Name()}); err != nil {
			t.Fatal(err)
		}
		look(t)
	})
}
