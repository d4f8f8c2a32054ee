package runner

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go/wait"
)

// probeStrategy is a testcontainers wait strategy that polls a kind's real
// readiness probe (SELECT 1, PING, an HTTP GET, a command) until it passes,
// failing early when the container exits.
type probeStrategy struct {
	name string
	kind kindSpec
	cli  *client.Client
}

var _ wait.Strategy = probeStrategy{}

// probeInterval is short: a pre-initialised Postgres answers within a few
// hundred milliseconds, and every poll saved is latency a learner feels.
const probeInterval = 15 * time.Millisecond

func (p probeStrategy) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	t := probeTarget{}
	if p.kind.port != "" {
		host, err := target.Host(ctx)
		if err != nil {
			return err
		}
		port, err := target.MappedPort(ctx, p.kind.port)
		if err != nil {
			return err
		}
		t.hostPort = net.JoinHostPort(host, fmt.Sprint(port.Num()))
	} else {
		insp, err := target.Inspect(ctx)
		if err != nil {
			return err
		}
		t.exec = execFunc(p.cli, insp.ID)
	}
	var lastErr error
	for n := 0; ; n++ {
		probeCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		lastErr = p.kind.probe(probeCtx, t)
		cancel()
		if lastErr == nil {
			return nil
		}
		// Checking the state costs a round trip; a crashed service would
		// otherwise be waited on until the deadline.
		if n%10 == 9 {
			if st, err := target.State(ctx); err == nil && !st.Running {
				return fmt.Errorf("%s exited (code %d) before it was ready: %w", p.name, st.ExitCode, lastErr)
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (last probe: %v)", p.name, ctx.Err(), lastErr)
		case <-time.After(probeInterval):
		}
	}
}

// execFunc runs a probe's command in container id.
func execFunc(cli *client.Client, id string) func(ctx context.Context, cmd []string) (ExecResult, error) {
	return func(ctx context.Context, cmd []string) (ExecResult, error) {
		return execIn(ctx, cli, id, cmd, ExecOptions{})
	}
}

// Probe runs the readiness probe of kind once against a container,
// whoever started it: a query, a PING or a GET to hostPort for kinds with
// a port, a command in containerID for the others. It holds a container
// started some other way (a benchmark's bare `docker run`) to exactly the
// runner's standard of ready.
func (d *Driver) Probe(ctx context.Context, kind Kind, hostPort, containerID string) error {
	spec, err := lookupKind(kind)
	if err != nil {
		return err
	}
	return spec.probe(ctx, probeTarget{hostPort: hostPort, exec: execFunc(d.cli.Client, containerID)})
}
