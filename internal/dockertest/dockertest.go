// Package dockertest gives integration tests a Driver on the real Docker
// engine. Without an engine, tests skip with a loud message on a laptop and
// fail when CI=true, so that CI can never pass without having run them.
package dockertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// Driver returns a driver on the engine, configured like the CLI (config
// file and LAB_IMAGE_* variables), closed when the test ends. It skips or
// fails the test when no engine answers, and with -short.
func Driver(tb testing.TB) *runner.Driver {
	tb.Helper()
	if testing.Short() && os.Getenv("CI") != "true" {
		tb.Skip("integration test: skipped with -short")
	}
	cfg, err := runner.LoadConfig(os.Getenv)
	if err != nil {
		tb.Fatalf("load config: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	d, err := runner.NewDriver(ctx, cfg)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true and no Docker engine: %v", err)
		}
		tb.Skipf("\n*** SKIPPING INTEGRATION TEST: no Docker engine (%v).\n*** Run scripts/docker-up.sh (images arrive by themselves), or set CI=true to make this a failure.", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// Session returns a new session of d that is closed when the test ends,
// and checks that closing it left no container or network behind.
func Session(tb testing.TB, d *runner.Driver, lab string) *engine.Session {
	tb.Helper()
	s := d.NewSession(lab)
	tb.Cleanup(func() {
		ctx := context.Background()
		if err := s.Close(ctx); err != nil {
			tb.Errorf("close session: %v", err)
		}
		NoLeftovers(tb, d, engine.LabelSession+"="+s.ID, "session "+s.ID)
	})
	return s
}

// NoLeftovers fails the test when any container or network with label
// ("key=value") exists; what names the one that should have removed them.
func NoLeftovers(tb testing.TB, d *runner.Driver, label, what string) {
	tb.Helper()
	containers, networks, err := d.List(context.Background(), label)
	if err != nil {
		tb.Errorf("list leftovers: %v", err)
	}
	if len(containers)+len(networks) > 0 {
		tb.Errorf("%s left %d containers and %d networks", what, len(containers), len(networks))
	}
}

// StartLab starts lab on d, failing the test if it cannot, and closes it
// when the test ends, checking that nothing of its session is left.
func StartLab(tb testing.TB, ctx context.Context, d *runner.Driver, lab *labs.Lab) *runner.LabEnv {
	tb.Helper()
	env, err := d.StartLab(ctx, lab)
	if err != nil {
		tb.Fatalf("start lab %s: %v", lab.ID, err)
	}
	tb.Cleanup(func() {
		ctx := context.Background()
		if err := env.Close(ctx); err != nil {
			tb.Errorf("close lab %s: %v", lab.ID, err)
		}
		NoLeftovers(tb, d, engine.LabelSession+"="+env.Session.ID, "lab "+lab.ID)
	})
	return env
}
