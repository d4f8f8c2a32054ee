package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// How lab spares testcontainers-go's engine discovery.
//
// Left to itself, testcontainers-go finds the engine anew in every
// process: it asks a candidate socket for /info to check it answers, asks
// /info again through the client it makes, and once more (with a fresh
// ping) for each of two paths it only logs — four ping + /info pairs,
// about 60 ms, before lab has done anything. lab already knows where the
// engine is (DOCKER_HOST, the Docker context, the default socket), so it
// registers that as a testcontainers-go runtime provider ("labrunner",
// selected with TESTCONTAINERS_PROVIDER): testcontainers-go then takes the
// host and socket as given. The Driver's own client is made without
// testcontainers-go's /info; the one /info testcontainers-go needs (it
// caches it for the process) is asked through that client just before the
// first container starts (see Driver.run), so that a warm `lab check`,
// which starts none, asks no /info at all.

// tcProvider is the name of lab's runtime provider.
const tcProvider = "labrunner"

var (
	setupOnce sync.Once
	// tcEngine is the engine the provider gives testcontainers-go: set by
	// the first NewDriver of the process, read once, at testcontainers-go's
	// first discovery (it caches the result for the process, as it does
	// its own).
	tcEngine struct {
		sync.Mutex
		cfg testcontainers.RuntimeConfig
	}
)

// setupTestcontainers configures testcontainers-go once per process: no
// reaper (labrunner cleans up itself, and a lab outlives this process),
// silent logging, and lab's runtime provider. Where published ports are
// dialled is the Driver's Endpoint, never testcontainers-go's Host, which
// dials the default gateway when it finds /.dockerenv (wrong on machines
// that have one without running inside the engine's network) and knows no
// Docker context.
func setupTestcontainers() {
	setupOnce.Do(func() {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
		tclog.SetDefault(tclog.NewNoopLogger())
		// A child of a lab process (a test, `lab spare`) inherits
		// TESTCONTAINERS_PROVIDER=labrunner: it must register the
		// provider too. Any other value is the user's choice.
		if p := os.Getenv("TESTCONTAINERS_PROVIDER"); p != "" && p != tcProvider {
			return
		}
		if err := testcontainers.RegisterProvider(tcProvider, func() testcontainers.RuntimeProvider { return labRuntime{} }); err == nil {
			os.Setenv("TESTCONTAINERS_PROVIDER", tcProvider)
		}
	})
}

// labRuntime is lab's testcontainers-go runtime provider.
type labRuntime struct{}

// Initialize returns the engine the first Driver resolved; empty fields
// (none resolved yet) leave testcontainers-go to its own discovery.
func (labRuntime) Initialize(context.Context) (testcontainers.RuntimeConfig, error) {
	tcEngine.Lock()
	defer tcEngine.Unlock()
	return tcEngine.cfg, nil
}

// runtimeConfig is what the provider says of the engine a Driver's
// client reaches at daemonHost (its DaemonHost: for ssh:// a placeholder
// its dialer ignores). testcontainers-go makes a client of its own for
// it, but sends nothing through it: Driver.run gives it the Driver's
// client, the one that knows the environment's TLS settings and the ssh
// dialer. The socket path is the one it would mount into a reaper, which
// it never starts (TESTCONTAINERS_RYUK_DISABLED).
func runtimeConfig(daemonHost string) testcontainers.RuntimeConfig {
	cfg := testcontainers.RuntimeConfig{DockerHost: daemonHost, DockerSocketPath: "/var/run/docker.sock", DefaultBridgeNetwork: "bridge"}
	if strings.Contains(daemonHost, "podman.sock") {
		// Podman's default network, as testcontainers-go picks it for
		// such a DOCKER_HOST.
		cfg.DefaultBridgeNetwork = "podman"
	}
	if path, ok := strings.CutPrefix(daemonHost, "unix://"); ok && path != "" {
		cfg.DockerSocketPath = path
	}
	return cfg
}

// useEngine makes the engine at daemonHost the one testcontainers-go's
// provider gives, if no Driver of the process named one before.
func useEngine(daemonHost string) {
	tcEngine.Lock()
	defer tcEngine.Unlock()
	if tcEngine.cfg.DockerHost == "" {
		tcEngine.cfg = runtimeConfig(daemonHost)
	}
}

// defaultSocket is where the engine is when nothing names one.
const defaultSocket = "unix:///var/run/docker.sock"

// fastHost returns the host to connect to without testcontainers-go's
// discovery: host when one is set, else the default socket when it
// exists and no ~/.testcontainers.properties could name another; "" means
// testcontainers-go must search (rootless sockets, its properties file).
func fastHost(host, home string, exists func(string) bool) string {
	if host != "" {
		return host
	}
	if home != "" {
		if _, err := os.Stat(filepath.Join(home, ".testcontainers.properties")); err == nil {
			return ""
		}
	}
	if exists(strings.TrimPrefix(defaultSocket, "unix://")) {
		return defaultSocket
	}
	return ""
}

// newClient makes the Docker client of a Driver for host (from fastHost)
// with opts: the one testcontainers-go's DockerClient wraps, without the
// /info testcontainers-go asks when it makes one, and with the environment's
// settings (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION).
// Without a host it is testcontainers-go's own, after its discovery.
func newClient(ctx context.Context, host string, opts []client.Opt) (*testcontainers.DockerClient, error) {
	if host == "" {
		return testcontainers.NewDockerClientWithOpts(ctx, opts...)
	}
	all := []client.Opt{client.FromEnv}
	if !strings.HasPrefix(host, "ssh://") {
		all = append(all, client.WithHost(host))
	}
	c, err := client.New(append(all, opts...)...)
	if err != nil {
		return nil, err
	}
	return &testcontainers.DockerClient{Client: c}, nil
}

// provider returns the Driver's testcontainers-go provider, made on first
// use: it runs every container of the Driver through the Driver's client,
// so that testcontainers-go neither makes a client per container nor
// finds the engine again. The /info testcontainers-go caches for the
// process is asked first, through that client.
func (d *Driver) provider(ctx context.Context) (*testcontainers.DockerProvider, error) {
	d.provMu.Lock()
	defer d.provMu.Unlock()
	if d.prov != nil {
		return d.prov, nil
	}
	if _, err := d.cli.Info(ctx, client.InfoOptions{}); err != nil {
		return nil, err
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return nil, err
	}
	p.SetClient(d.cli)
	d.prov = p
	return p, nil
}

// run creates and starts a container of image as testcontainers.Run
// does, on the Driver's provider. A container that exists is returned
// with the error, so that the caller can remove it.
func (d *Driver) run(ctx context.Context, image string, opts ...testcontainers.ContainerCustomizer) (*testcontainers.DockerContainer, error) {
	p, err := d.provider(ctx)
	if err != nil {
		return nil, fmt.Errorf("testcontainers provider: %w", err)
	}
	req := testcontainers.GenericContainerRequest{ContainerRequest: testcontainers.ContainerRequest{Image: image}, Started: true}
	for _, o := range opts {
		if err := o.Customize(&req); err != nil {
			return nil, fmt.Errorf("customize: %w", err)
		}
	}
	c, err := p.CreateContainer(ctx, req.ContainerRequest)
	ctr, _ := c.(*testcontainers.DockerContainer)
	if err != nil {
		return ctr, fmt.Errorf("create container: %w", err)
	}
	if err := c.Start(ctx); err != nil {
		return ctr, fmt.Errorf("start container: %w", err)
	}
	return ctr, nil
}
