package main

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/runner"
)

// probeTarget is what a probe may use: "host:port" of the published port,
// or the container to exec in, and the driver whose probes are used.
type probeTarget struct {
	hostPort    string
	containerID string
	d           *runner.Driver
}

type probeFunc func(ctx context.Context, t probeTarget) error

// kindProbe is the runner's own readiness probe of kind (runner.Driver.Probe),
// so that the reference is held to the same standard of ready.
func kindProbe(k runner.Kind) probeFunc {
	return func(ctx context.Context, t probeTarget) error {
		return t.d.Probe(ctx, k, t.hostPort, t.containerID)
	}
}

// probeInterval and probeTimeout mirror runner/probe.go.
const (
	probeInterval = 15 * time.Millisecond
	probeTimeout  = 2 * time.Second
)

// waitReady polls probe the way runner's probeStrategy does: each try under
// its own timeout, a pause of probeInterval between tries, and a look at
// the container's state every tenth try so that a crash fails early.
func waitReady(ctx context.Context, probe probeFunc, t probeTarget) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var last error
	for n := 0; ; n++ {
		pctx, pcancel := context.WithTimeout(ctx, probeTimeout)
		last = probe(pctx, t)
		pcancel()
		if last == nil {
			return nil
		}
		if n%10 == 9 {
			insp, err := t.d.Client().ContainerInspect(ctx, t.containerID, client.ContainerInspectOptions{})
			if err == nil && insp.Container.State != nil && !insp.Container.State.Running {
				return fmt.Errorf("container exited (code %d) before it was ready: %w", insp.Container.State.ExitCode, last)
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w (last probe: %v)", ctx.Err(), last)
		case <-time.After(probeInterval):
		}
	}
}
