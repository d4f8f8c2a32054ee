package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// serviceLifecycle measures one service of kind from nothing to answering
// its readiness probe, and its removal: labrunner's Session.Start and
// Session.Close against `docker run -d` of the same image, command,
// environment and tmpfs mounts followed by the same probe, and
// `docker rm -fv`.
func serviceLifecycle(k runner.Kind) benchmark {
	var cfg refConfig
	// A lone service gets no network; kinds that run learners' code get
	// two (an internal one and one for published ports), see
	// engine.Session.Start.
	startNote, removeNote := "a lone service: no network on either side", "no network on either side"
	if k == labs.KindBox || k == labs.KindRuntime {
		startNote, removeNote = "labrunner also creates the session's two networks (internal + published)", "labrunner also removes the two networks"
	}
	return benchmark{
		name: string(k),
		rows: []row{
			{op: "start→ready " + string(k), unit: unitSeconds, note: startNote},
			{op: "remove " + string(k), unit: unitSeconds, note: removeNote},
		},
		setup: func(ctx context.Context, e *env) (func(), error) {
			var err error
			cfg, err = learnConfig(ctx, e, k)
			return nil, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) { return labrunnerLifecycle(ctx, e, k) },
		reference: func(ctx context.Context, e *env) ([]float64, error) { return dockerLifecycle(ctx, e, k, cfg) },
	}
}

func labrunnerLifecycle(ctx context.Context, e *env, k runner.Kind) ([]float64, error) {
	sess := e.d.NewSession(e.runID)
	sess.ID = e.nextSession() // nothing exists until Start, so the id may be chosen
	defer e.sweepSession(sess.ID)
	t0 := time.Now()
	err := sess.Start(ctx, e.spec(string(k), k))
	start := time.Since(t0)
	if err != nil {
		return nil, errors.Join(err, sess.Close(ctx))
	}
	t1 := time.Now()
	err = sess.Close(ctx)
	remove := time.Since(t1)
	if err != nil {
		return nil, err
	}
	return []float64{start.Seconds(), remove.Seconds()}, nil
}

// refConfig is how the reference runs a kind's container.
type refConfig struct {
	image string
	// port is the container port to publish on 127.0.0.1 ("5432/tcp"),
	// or "".
	port string
	// env is what the container's environment adds to the image's.
	env []string
	// cmd replaces the image's command when not nil.
	cmd []string
	// tmpfs are the container's tmpfs mounts (path → options), as runner
	// mounts them: Postgres's data directory lives on one, and the
	// entrypoint copies the pre-initialised data there at start.
	tmpfs map[string]string
}

// learnConfig starts one service of kind with labrunner, unmeasured, and
// reads from its container the command, environment, tmpfs mounts and
// published port the runner gave it, so that the reference runs exactly the same container
// whatever runner's kind table says today.
func learnConfig(ctx context.Context, e *env, k runner.Kind) (refConfig, error) {
	sess := e.d.NewSession(e.runID)
	sess.ID = e.nextSession()
	defer e.sweepSession(sess.ID)
	err := sess.Start(ctx, e.spec(string(k), k))
	if err == nil {
		var cfg refConfig
		cfg, err = inspectConfig(ctx, e.d.Client(), sess.Service(string(k)).ContainerID)
		if err == nil {
			return cfg, sess.Close(ctx)
		}
	}
	return refConfig{}, errors.Join(fmt.Errorf("learn the container of %s: %w", k, err), sess.Close(ctx))
}

func inspectConfig(ctx context.Context, cli *client.Client, id string) (refConfig, error) {
	insp, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return refConfig{}, err
	}
	c := insp.Container
	img, err := cli.ImageInspect(ctx, c.Config.Image)
	if err != nil {
		return refConfig{}, err
	}
	cfg := refConfig{image: c.Config.Image}
	var imgEnv, imgCmd []string
	if img.Config != nil {
		imgEnv, imgCmd = img.Config.Env, img.Config.Cmd
	}
	for _, kv := range c.Config.Env {
		if !slices.Contains(imgEnv, kv) {
			cfg.env = append(cfg.env, kv)
		}
	}
	if !slices.Equal(c.Config.Cmd, imgCmd) {
		cfg.cmd = c.Config.Cmd
	}
	cfg.tmpfs = maps.Clone(c.HostConfig.Tmpfs)
	for p := range c.HostConfig.PortBindings {
		if cfg.port != "" {
			return refConfig{}, fmt.Errorf("more than one published port (%s, %s)", cfg.port, p)
		}
		cfg.port = p.String()
	}
	return cfg, nil
}

func dockerLifecycle(ctx context.Context, e *env, k runner.Kind, cfg refConfig) ([]float64, error) {
	session := e.nextSession()
	defer e.sweepSession(session)
	t0 := time.Now()
	id, err := dockerStart(ctx, e, session, string(k), k, cfg)
	if err != nil {
		return nil, err
	}
	start := time.Since(t0)

	t1 := time.Now()
	// -v as runner's removal does (RemoveVolumes): images may declare
	// anonymous volumes, which would otherwise outlive the container.
	if _, err := docker("rm", "-fv", id); err != nil {
		return nil, err
	}
	remove := time.Since(t1)
	return []float64{start.Seconds(), remove.Seconds()}, nil
}

// dockerStart runs a container of kind k named after session and name with
// `docker run -d` and cfg, and waits until it answers k's readiness probe.
// It returns the container's id; the caller removes it (sweepSession of
// session finds it in any case).
func dockerStart(ctx context.Context, e *env, session, name string, k runner.Kind, cfg refConfig) (string, error) {
	args := []string{"run", "-d", "--name", "labrunner-" + session + "-ref-" + name}
	labels := e.labels(session, k)
	for _, key := range slices.Sorted(maps.Keys(labels)) {
		args = append(args, "--label", key+"="+labels[key])
	}
	if cfg.port != "" {
		args = append(args, "-p", "127.0.0.1::"+strings.TrimSuffix(cfg.port, "/tcp"))
	}
	for _, path := range slices.Sorted(maps.Keys(cfg.tmpfs)) {
		mount := path
		if opts := cfg.tmpfs[path]; opts != "" {
			mount += ":" + opts
		}
		args = append(args, "--tmpfs", mount)
	}
	for _, kv := range cfg.env {
		args = append(args, "-e", kv)
	}
	args = append(args, cfg.image)
	args = append(args, cfg.cmd...)
	cli := e.d.Client()

	id, err := docker(args...)
	if err != nil {
		return "", err
	}
	t := probeTarget{containerID: id, d: e.d}
	if cfg.port != "" {
		// The engine API, as testcontainers does; `docker port` would add a
		// CLI process start to the reference.
		if t.hostPort, err = publishedPort(ctx, cli, id, cfg.port); err != nil {
			return id, err
		}
	}
	return id, waitReady(ctx, kindProbe(k), t)
}

// publishedPort returns "127.0.0.1:port" where port of container id is
// published.
func publishedPort(ctx context.Context, cli *client.Client, id, port string) (string, error) {
	insp, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return "", fmt.Errorf("inspect container: %w", err)
	}
	for p, bindings := range insp.Container.NetworkSettings.Ports {
		if p.String() != port {
			continue
		}
		for _, b := range bindings {
			if b.HostPort != "" {
				return net.JoinHostPort("127.0.0.1", b.HostPort), nil
			}
		}
	}
	return "", fmt.Errorf("port %s of %s is not published", port, id[:12])
}

// spec is the spec of a service of kind with the configured image; the
// kinds the bench names are runner's.
func (e *env) spec(name string, k runner.Kind) engine.ServiceSpec {
	s, err := e.d.Spec(name, k, "")
	if err != nil {
		panic(err)
	}
	return s
}
