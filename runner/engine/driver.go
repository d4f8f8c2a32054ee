package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Driver is a connection to one Docker engine. It is safe for concurrent
// use. The caller must call Close.
type Driver struct {
	cli *testcontainers.DockerClient
	// Endpoint is where the engine is and where its published ports are
	// dialled.
	Endpoint Endpoint
	// Host is the Docker endpoint in use, for reports.
	Host string

	provMu sync.Mutex
	// prov runs containers through cli (see provider).
	prov *testcontainers.DockerProvider
}

// NewDriver connects to the Docker engine (DOCKER_HOST, the current Docker
// context, or the usual sockets) and checks that it answers. Its errors are
// EnvErrors.
//
// Published ports are dialled where the engine's Endpoint says: on
// 127.0.0.1 for an engine behind a socket, on the engine's host for
// DOCKER_HOST=tcp://HOST:PORT (or a Docker context naming one).
func NewDriver(ctx context.Context) (*Driver, error) {
	setupTestcontainers()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var opts []client.Opt
	tried, where := "unix:///var/run/docker.sock", "the default socket"
	host := os.Getenv("DOCKER_HOST")
	if host != "" {
		tried, where = host, "DOCKER_HOST="+host
	} else {
		name, h, err := dockerContextHost(os.Getenv)
		if err != nil {
			return nil, &EnvError{Err: err}
		}
		if h != "" {
			host, tried, where = h, h, fmt.Sprintf("%s (docker context %q)", h, name)
		}
	}
	switch {
	case strings.HasPrefix(host, "ssh://"):
		o, err := sshOptions(host)
		if err != nil {
			return nil, &EnvError{Err: err}
		}
		opts = append(opts, o...)
	case host != "":
		// testcontainers-go skips a DOCKER_HOST it cannot reach and falls
		// back to other sockets; a user who set it meant that engine.
		opts = append(opts, client.WithHost(host))
	}
	home, _ := os.UserHomeDir()
	fast := fastHost(host, home, socketExists)
	cli, err := newClient(ctx, fast, opts)
	if err == nil && fast != "" {
		// One ping, the cheapest request, says the engine answers and
		// settles the API version. (testcontainers-go's own client, made
		// when fast is "", has asked /info instead.)
		if _, perr := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); perr != nil {
			cli.Close()
			err = perr
			if host == "" {
				// The default socket is there but nothing answers on
				// it: testcontainers-go searches the other sockets.
				cli, err = newClient(ctx, "", opts)
			}
		}
	}
	if err != nil {
		return nil, &EnvError{Err: fmt.Errorf("no Docker engine answers at %s: %w\n%s", where, shortErr(err),
			noEngineHelp(tried, home, os.Getenv("XDG_RUNTIME_DIR"), socketExists))}
	}
	if host == "" {
		// Nothing set: the socket testcontainers-go found. (For ssh://
		// the client's own host is a placeholder; host is the address.)
		host = cli.DaemonHost()
	}
	useEngine(cli.DaemonHost())
	return &Driver{cli: cli, Host: host, Endpoint: endpointOf(host)}, nil
}

// socketExists reports whether path is a unix socket.
func socketExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
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
