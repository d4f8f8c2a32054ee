package runner

import (
	"context"

	"github.com/labrunner/labrunner/images"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// Driver runs labs on one Docker engine with the configured images: the
// engine's Driver (sessions, gc, stale sessions) plus the lab sessions of
// this package. It is safe for concurrent use. The caller must call Close.
type Driver struct {
	*engine.Driver
	cfg   Config
	fetch *images.Fetcher
}

// NewDriver connects to the Docker engine (see engine.NewDriver) and
// uses cfg's images. Its errors are EnvErrors.
func NewDriver(ctx context.Context, cfg Config) (*Driver, error) {
	d, err := engine.NewDriver(ctx)
	if err != nil {
		return nil, err
	}
	fetch := &images.Fetcher{Client: d.Client(), Policy: cfg.Pull, Progress: cfg.Progress}
	return &Driver{Driver: d, cfg: cfg, fetch: fetch}, nil
}

// EnsureImages makes the images of specs present, as --pull says: each
// missing one is pulled, and one of labrunner's set that can't be pulled
// is built from its embedded context. Then each image labrunner did not
// build is checked against its kind's contract (see checkImages), and one
// that lacks something fails with a ContractError. Its errors are
// EnvErrors.
func (d *Driver) EnsureImages(ctx context.Context, specs ...engine.ServiceSpec) error {
	var wants []images.Want
	for _, s := range specs {
		wants = append(wants, d.cfg.want(s.Kind, s.Image))
	}
	if err := d.fetch.Ensure(ctx, wants); err != nil {
		return &EnvError{Err: err}
	}
	return d.checkImages(ctx, specs)
}

// Fetcher returns the driver's image fetcher, for `lab images`.
func (d *Driver) Fetcher() *images.Fetcher { return d.fetch }

// Config returns the image configuration the driver uses.
func (d *Driver) Config() Config { return d.cfg }

// Spec returns the spec of a service named name of kind: the kind's
// contract, and image, else the configured image of the kind.
func (d *Driver) Spec(name string, kind Kind, image string) (engine.ServiceSpec, error) {
	k, err := lookupKind(kind)
	if err != nil {
		return engine.ServiceSpec{}, err
	}
	if image == "" {
		image = d.cfg.Image(kind)
	}
	return engine.ServiceSpec{Name: name, Kind: kind, Image: image, Contract: k.Contract}, nil
}

// serviceSpec is Spec for a lab's service: a runtime's is its language's
// (runtime_lang.go).
func (d *Driver) serviceSpec(name string, svc *labs.Service) (engine.ServiceSpec, error) {
	spec, err := d.Spec(name, svc.Kind, svc.Image)
	if err != nil || svc.Kind != labs.KindRuntime {
		return spec, err
	}
	return d.langSpec(spec, svc)
}

// Probe runs the readiness probe of kind once against a container,
// whoever started it: a query, a PING or a GET to hostPort for kinds with
// a port, a command in containerID for the others. It holds a container
// started some other way (a benchmark's bare `docker run`) to exactly the
// runner's standard of ready.
func (d *Driver) Probe(ctx context.Context, kind Kind, hostPort, containerID string) error {
	k, err := lookupKind(kind)
	if err != nil {
		return err
	}
	return k.Probe(ctx, engine.ProbeTarget{HostPort: hostPort, Exec: d.ExecFunc(containerID)})
}

// URL returns how a client on this machine connects to svc (postgres://…,
// redis://…, http://…), or "" for kinds without a port.
func URL(svc *engine.Service) string { return serviceURL(svc.Kind, svc.HostPort) }

// serviceURL is URL of a service of kind published at hostPort.
func serviceURL(kind Kind, hostPort string) string {
	k, ok := kinds[kind]
	if !ok || k.url == nil || hostPort == "" {
		return ""
	}
	return k.url(hostPort)
}
