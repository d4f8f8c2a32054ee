package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	mnet "github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"

	"github.com/labrunner/labrunner/internal/phase"
)

// Contract is what the engine needs to know of a kind of service: the
// port it serves, how it is configured, and how to tell that it is ready.
// The engine knows no kinds; the caller passes each service's contract.
type Contract struct {
	// Port is the container port published ("5432/tcp": on 127.0.0.1 for
	// a local engine, see Endpoint), or
	// "" for services reached only by exec.
	Port string
	// Env is the environment every container of the kind gets.
	Env map[string]string
	// Cmd replaces the image's command when not nil.
	Cmd []string
	// Probe returns nil once the service answers.
	Probe func(ctx context.Context, t ProbeTarget) error
	// HostConfig adds the kind's limits to its containers' host
	// configuration, when not nil.
	HostConfig func(hc *container.HostConfig)
	// LearnerCode marks containers that run learners' code: they get one
	// CPU, keep the capabilities their images need, and put the session
	// on an internal network.
	LearnerCode bool
	// Requires is what the runner relies on inside the kind's image; an
	// image labrunner did not build is checked against it (CheckImage).
	Requires Requirements
}

// ServiceSpec describes one service to start.
type ServiceSpec struct {
	// Name is the service's name in the lab; other services reach it by
	// this name on the session network.
	Name string
	// Kind is the service's kind, kept in a label.
	Kind string
	// Image is the image to run.
	Image string
	// Contract is the kind's port, environment, command, probe and limits.
	Contract
	// Env is added to the contract's environment.
	Env map[string]string
	// Files are copied into the container before it starts.
	Files []File
	// ReadyTimeout bounds start and readiness; 0 means 60 s.
	ReadyTimeout time.Duration
}

// File is a file to put into a container.
type File struct {
	// Path is the absolute path in the container.
	Path string
	// Content is the file's content.
	Content []byte
	// Mode is the permission bits; 0 means 0644.
	Mode int64
}

// Service is a started service of a session.
type Service struct {
	// Name is the service's name in the lab and its alias on the network.
	Name string
	// Kind is the service kind.
	Kind string
	// Image is the image the container runs.
	Image string
	// ContainerID is the Docker container id.
	ContainerID string
	// HostPort is "ip:port" where the service is published on this
	// machine, or "" for kinds without a port.
	HostPort string

	// port is the container port HostPort publishes, or "".
	port string
	d    *Driver
}

// Addr returns HostPort, for callers that see a service through an
// interface.
func (s *Service) Addr() string { return s.HostPort }

// ID returns ContainerID, for callers that see a service through an
// interface.
func (s *Service) ID() string { return s.ContainerID }

func (d *Driver) startService(ctx context.Context, sess *Session, spec ServiceSpec) (*Service, error) {
	return d.startServiceNamed(ctx, sess, spec, sess.containerName(spec.Name))
}

// startServiceNamed is startService with the container named name.
func (d *Driver) startServiceNamed(ctx context.Context, sess *Session, spec ServiceSpec, name string) (*Service, error) {
	defer phase.Begin("start " + spec.Name)()
	kind := spec.Contract
	image := spec.Image
	if image == "" {
		return nil, fmt.Errorf("start %s: no image", spec.Name)
	}
	timeout := spec.ReadyTimeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if ok, err := d.ImagePresent(ctx, image); err != nil {
		return nil, err
	} else if !ok {
		return nil, &EnvError{Err: fmt.Errorf("start %s: image %q is not present; run `lab images pull`", spec.Name, image)}
	}

	labels := sess.labels()
	labels[LabelService] = spec.Name
	labels[LabelKind] = spec.Kind
	if kind.Port != "" {
		labels[LabelPort] = kind.Port
	}
	env := maps.Clone(kind.Env)
	if env == nil {
		env = map[string]string{}
	}
	maps.Copy(env, spec.Env)

	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithName(name),
		testcontainers.WithLabels(labels),
		testcontainers.WithEnv(env),
		testcontainers.WithWaitStrategyAndDeadline(timeout, probeStrategy{name: spec.Name, host: d.Endpoint.DialHost, port: kind.Port, probe: kind.Probe, cli: d.cli.Client}),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			if kind.Port != "" {
				// Published on loopback only for a local engine: the
				// services are disposable and use fixed passwords. A remote
				// engine publishes where this machine can reach it.
				hc.PortBindings = mnet.PortMap{
					mnet.MustParsePort(kind.Port): {{HostIP: netip.MustParseAddr(d.Endpoint.BindIP)}},
				}
			}
			if kind.LearnerCode && sess.network == "" {
				// Learners' code alone in its session: nothing to
				// reach, and nothing may reach out.
				hc.NetworkMode = "none"
			}
			defaultLimits(kind.LearnerCode, hc)
			if kind.HostConfig != nil {
				kind.HostConfig(hc)
			}
		}),
	}
	if sess.network != "" {
		opts = append(opts, tcnetwork.WithNetworkName([]string{spec.Name}, sess.network))
	}
	if kind.Port != "" {
		opts = append(opts, testcontainers.WithExposedPorts(kind.Port))
		if sess.pubNetwork != "" {
			// The session network is internal; the port is published
			// through this one.
			opts = append(opts, tcnetwork.WithNetworkName(nil, sess.pubNetwork))
		}
	} else {
		// No port: do not let testcontainers publish the image's ports.
		opts = append(opts, testcontainers.WithExposedPorts())
	}
	if kind.Cmd != nil {
		opts = append(opts, testcontainers.WithCmd(kind.Cmd...))
	}
	for _, f := range spec.Files {
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		opts = append(opts, testcontainers.WithFiles(testcontainers.ContainerFile{
			Reader:            strings.NewReader(string(f.Content)),
			ContainerFilePath: f.Path,
			FileMode:          mode,
		}))
	}

	ctr, err := d.run(ctx, image, opts...)
	var svc *Service
	if ctr != nil && ctr.GetContainerID() != "" {
		// Registered before the error is looked at: a start can fail after
		// the container exists, and Close must still find it.
		svc = &Service{Name: spec.Name, Kind: spec.Kind, Image: image, ContainerID: ctr.GetContainerID(), port: kind.Port, d: d}
	}
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("not ready within %s: %w", timeout, err)
		}
		return svc, envErr(fmt.Errorf("start %s (%s): %w", spec.Name, image, err))
	}
	svc.HostPort, err = d.hostPort(ctx, svc.ContainerID, kind.Port)
	if err != nil {
		return svc, envErr(fmt.Errorf("start %s: %w", spec.Name, err))
	}
	return svc, nil
}

// hostPort returns "ip:port" where port of the container is published.
func (d *Driver) hostPort(ctx context.Context, id, port string) (string, error) {
	if port == "" {
		return "", nil
	}
	insp, err := d.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return "", fmt.Errorf("inspect container: %w", err)
	}
	for _, b := range insp.Container.NetworkSettings.Ports[mnet.MustParsePort(port)] {
		if b.HostPort != "" {
			return hostPortOn(d.Endpoint.DialHost, b.HostPort), nil
		}
	}
	return "", fmt.Errorf("port %s is not published", port)
}

// serviceFromSummary rebuilds a Service from a container's entry in a
// container list: its labels, and where its port is published when it
// runs (a stopped one has no HostPort).
func (d *Driver) serviceFromSummary(c container.Summary) (*Service, error) {
	labels := c.Labels
	svc := &Service{
		Name:        labels[LabelService],
		Kind:        labels[LabelKind],
		Image:       c.Image,
		ContainerID: c.ID,
		port:        labels[LabelPort],
		d:           d,
	}
	if svc.port == "" || c.State != container.StateRunning {
		return svc, nil
	}
	want, err := mnet.ParsePort(svc.port)
	if err != nil {
		return nil, envErr(fmt.Errorf("container %s: label %s=%q: %w", shortID(c.ID), LabelPort, svc.port, err))
	}
	for _, p := range c.Ports {
		if p.PrivatePort == want.Num() && string(want.Proto()) == p.Type && p.PublicPort != 0 {
			svc.HostPort = hostPortOn(d.Endpoint.DialHost, strconv.Itoa(int(p.PublicPort)))
			return svc, nil
		}
	}
	return nil, envErr(fmt.Errorf("container %s: port %s is not published", shortID(c.ID), svc.port))
}

// shortID is the 12 characters of a container id that docker ps shows.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }
