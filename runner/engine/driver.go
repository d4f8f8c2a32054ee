package engine

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// Driver is a connection to one Docker engine. It is safe for concurrent
// use. The caller must call Close.
type Driver struct {
	cli    *testcontainers.DockerClient
	hostIP string
	// Host is the Docker endpoint in use, for reports.
	Host string
}

var setupOnce sync.Once

// setupTestcontainers configures testcontainers-go once per process: no
// reaper (labrunner cleans up itself, and a lab outlives this process),
// silent logging, and published ports dialled on the loopback address when
// the engine is local. testcontainers-go dials the default gateway when it
// finds /.dockerenv, which is wrong on machines that have one without
// running inside the engine's network.
func setupTestcontainers() {
	setupOnce.Do(func() {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
		tclog.SetDefault(tclog.NewNoopLogger())
		if os.Getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" && isLocalEngine(os.Getenv("DOCKER_HOST")) {
			os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
		}
	})
}

// isLocalEngine reports whether host (a DOCKER_HOST value) is an engine on
// this machine.
func isLocalEngine(host string) bool {
	if host == "" {
		return true
	}
	u, err := url.Parse(host)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "unix", "npipe":
		return true
	case "tcp", "http", "https":
		h := u.Hostname()
		return h == "localhost" || h == "127.0.0.1" || h == "::1"
	}
	return false
}

// NewDriver connects to the Docker engine (DOCKER_HOST, the current Docker
// context, or the usual sockets) and checks that it answers. Its errors are
// EnvErrors.
func NewDriver(ctx context.Context) (*Driver, error) {
	setupTestcontainers()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var opts []client.Opt
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		// testcontainers-go skips a DOCKER_HOST it cannot reach and falls
		// back to other sockets; a user who set it meant that engine.
		opts = append(opts, client.WithHost(h))
	}
	cli, err := testcontainers.NewDockerClientWithOpts(ctx, opts...)
	if err == nil {
		if _, perr := cli.Ping(ctx, client.PingOptions{}); perr != nil {
			cli.Close()
			err = perr
		}
	}
	if err != nil {
		return nil, &EnvError{Err: fmt.Errorf("no Docker engine answers at %s; start one (scripts/docker-up.sh does on Debian): %w", dockerHostHint(), shortErr(err))}
	}
	d := &Driver{cli: cli, hostIP: "127.0.0.1", Host: cli.DaemonHost()}
	if o := os.Getenv("TESTCONTAINERS_HOST_OVERRIDE"); o != "" {
		d.hostIP = o
	}
	return d, nil
}

func dockerHostHint() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return "DOCKER_HOST=" + h
	}
	return "the default socket"
}

// shortErr keeps the first line of an error, for one-sentence reports.
func shortErr(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Errorf("%s", msg)
}

// Close releases the connection to the engine.
func (d *Driver) Close() error { return d.cli.Close() }

// Client returns the Docker API client the driver uses; it is the client
// testcontainers-go itself uses.
func (d *Driver) Client() *client.Client { return d.cli.Client }

// ServerVersion returns the engine's version and API version.
func (d *Driver) ServerVersion(ctx context.Context) (version, api string, err error) {
	v, err := d.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", "", envErr(fmt.Errorf("docker version: %w", err))
	}
	return v.Version, v.APIVersion, nil
}

// ImagePresent reports whether image is in the engine's image store.
func (d *Driver) ImagePresent(ctx context.Context, image string) (bool, error) {
	_, err := d.cli.ImageInspect(ctx, image)
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, envErr(fmt.Errorf("inspect image %q: %w", image, err))
}
