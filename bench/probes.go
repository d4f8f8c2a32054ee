package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/client"
	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/runner"
)

// probeTarget is what a probe may use: "host:port" of the published port,
// or the container to exec in.
type probeTarget struct {
	hostPort    string
	containerID string
	cli         *client.Client
}

type probeFunc func(ctx context.Context, t probeTarget) error

// probes mirrors the readiness probe of each kind in runner (the probe
// field of the kind files, runner/postgres.go and its siblings), which is
// unexported. The command, environment and port are not mirrored: the
// reference takes them from a container labrunner started (see learnConfig).
var probes = map[runner.Kind]probeFunc{
	runner.KindBox:   execProbe("true"),
	runner.KindNginx: httpProbe,
	runner.KindPostgres: func(ctx context.Context, t probeTarget) error {
		url := fmt.Sprintf("postgres://%s:%s@%s/%s?connect_timeout=2", runner.PostgresUser, runner.PostgresPassword, t.hostPort, runner.PostgresDB)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		var one int
		return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
	},
	runner.KindRedis: func(ctx context.Context, t probeTarget) error {
		c := redis.NewClient(&redis.Options{Addr: t.hostPort, MaxRetries: -1, DisableIdentity: true})
		defer c.Close()
		return c.Ping(ctx).Err()
	},
	runner.KindRuntime: execProbe("python3", "-c", "pass"),
}

// httpProbe passes on any HTTP answer, whatever the status.
func httpProbe(ctx context.Context, t probeTarget) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.hostPort+"/", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
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
			insp, err := t.cli.ContainerInspect(ctx, t.containerID, client.ContainerInspectOptions{})
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
