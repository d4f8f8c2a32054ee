package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go/wait"
)

// ProbeTarget is what a readiness probe may use: the published
// "host:port" of a service with a port, else a way to run a command in
// its container.
type ProbeTarget struct {
	HostPort string
	Exec     func(ctx context.Context, cmd []string) (ExecResult, error)
}

// probeStrategy is a testcontainers wait strategy that polls a kind's real
// readiness probe (SELECT 1, PING, an HTTP GET, a command) until it passes,
// failing early when the container exits.
type probeStrategy struct {
	name string
	// host is where published ports are dialled (Endpoint.DialHost).
	host  string
	port  string
	probe func(ctx context.Context, t ProbeTarget) error
	cli   *client.Client
}

var _ wait.Strategy = probeStrategy{}

// ProbeInterval is short: a pre-initialised Postgres answers within a few
// hundred milliseconds, and every poll saved is latency a learner feels.
const ProbeInterval = 15 * time.Millisecond

func (p probeStrategy) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	t := ProbeTarget{}
	if p.port != "" {
		port, err := target.MappedPort(ctx, p.port)
		if err != nil {
			return err
		}
		t.HostPort = hostPortOn(p.host, fmt.Sprint(port.Num()))
	} else {
		insp, err := target.Inspect(ctx)
		if err != nil {
			return err
		}
		t.Exec = execFunc(p.cli, insp.ID)
	}
	var lastErr error
	for n := 0; ; n++ {
		probeCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		lastErr = p.probe(probeCtx, t)
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
		case <-time.After(ProbeInterval):
		}
	}
}

// execFunc runs a probe's command in container id.
func execFunc(cli *client.Client, id string) func(ctx context.Context, cmd []string) (ExecResult, error) {
	return func(ctx context.Context, cmd []string) (ExecResult, error) {
		return execIn(ctx, cli, id, cmd, ExecOptions{})
	}
}

// ExecFunc returns a function that runs a command in container id, as a
// readiness probe of a container started some other way may need.
func (d *Driver) ExecFunc(id string) func(ctx context.Context, cmd []string) (ExecResult, error) {
	return execFunc(d.cli.Client, id)
}
