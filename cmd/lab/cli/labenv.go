package cli

import (
	"context"
	"fmt"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// labDriver is what commands ask of the container engine: exactly the
// calls they make, so that a test can give a command a fake instead of
// Docker. runnerDriver implements it on a *runner.Driver.
type labDriver interface {
	// StartLab starts and seeds the lab's services. keep marks the session
	// as meant to outlive this process (`lab start`, `lab watch`); without
	// it the caller must close the lab env.
	StartLab(ctx context.Context, lab *labs.Lab, keep bool) (labEnv, error)
	// StartWorkspace starts the lab's services for the workspace in dir
	// (an absolute path): kept running, and labelled with dir.
	StartWorkspace(ctx context.Context, lab *labs.Lab, dir string) (labEnv, error)
	// AttachLab returns the running lab of session id.
	AttachLab(ctx context.Context, lab *labs.Lab, id string) (labEnv, error)
	// StopSession removes the containers and network of session id of lab.
	StopSession(ctx context.Context, lab, id string) error
	// GradeBatch grades every entry and returns one report each.
	GradeBatch(ctx context.Context, lab *labs.Lab, entries []runner.Entry, opts runner.BatchOptions) ([]checks.Report, error)
	// ProveLab proves lab on services of its own, one proof per run.
	ProveLab(ctx context.Context, lab *labs.Lab, opts runner.ProveOptions) ([]*runner.Proof, error)

	// Sessions lists the sessions created from this machine.
	Sessions(ctx context.Context) ([]engine.SessionInfo, error)
	// Stale lists the sessions of lab commands that are gone.
	Stale(ctx context.Context) ([]engine.StaleSession, error)
	// RemoveSession force-removes the objects of session id.
	RemoveSession(ctx context.Context, id string) error
	// GC force-removes every labrunner object.
	GC(ctx context.Context) (engine.Leftovers, error)
	// List returns the ids of the containers and networks with label.
	List(ctx context.Context, label string) (containers, networks []string, err error)

	// Host is the Docker engine's address.
	Host() string
	// Engine is the engine's version, runtime and endpoint.
	Engine(ctx context.Context) (engine.EngineInfo, error)
	// ImagePresent reports whether the engine has image.
	ImagePresent(ctx context.Context, image string) (bool, error)
	// CheckImage checks a present image for kind against the kind's
	// contract and returns what it lacks.
	CheckImage(ctx context.Context, kind runner.Kind, image string) (engine.Lacks, error)

	// Close closes the connection to the engine; running labs stay.
	Close() error
}

// labEnv is a running lab as commands use it. runnerEnv implements it on
// a *runner.LabEnv.
type labEnv interface {
	// SessionID identifies the running session.
	SessionID() string
	// Services are the lab's services, sorted by name, with how the
	// learner reaches each ("" when it has no port).
	Services() []labService
	// Check grades sub and returns the report.
	Check(ctx context.Context, sub runner.Submission, opts runner.CheckOptions) (*checks.Report, error)
	// Reset brings every service back to its seeded state.
	Reset(ctx context.Context) error
	// ShellCommand is the interactive client of a service, with its
	// environment.
	ShellCommand(service string) (cmd, env []string, err error)
	// SyncFiles copies the learner's current files into service, where
	// its kind keeps copies of them (a runtime's programs).
	SyncFiles(ctx context.Context, service string, sub runner.Submission) error
	// Interactive runs cmd in service attached to term and returns its
	// exit code.
	Interactive(ctx context.Context, service string, cmd, env []string, term engine.Terminal) (int, error)
	// Close removes the lab's containers and network.
	Close(ctx context.Context) error

	// SparesSupported reports whether a service can have a spare, so
	// that its reset is a swap (runner/box_spare.go).
	SparesSupported() bool
	// PrepareSpares prepares the spares that are missing.
	PrepareSpares(ctx context.Context) error
	// KeepSpares keeps spares ready in the background until stop.
	KeepSpares() (stop func())
}

// labService is one service of a running lab.
type labService struct {
	Name string
	Kind runner.Kind
	// URL is how the learner connects; "" when the service has no port.
	URL string
	// HTTPSURL is the service's HTTPS endpoint where the lab grades one
	// (an nginx lab whose checks use tls), else "".
	HTTPSURL string
}

// runnerDriver is the labDriver of a real Docker engine.
type runnerDriver struct{ d *runner.Driver }

var _ labDriver = runnerDriver{}

func (r runnerDriver) StartLab(ctx context.Context, lab *labs.Lab, keep bool) (labEnv, error) {
	var opts []runner.StartOption
	if keep {
		opts = append(opts, runner.KeepRunning())
	}
	env, err := r.d.StartLab(ctx, lab, opts...)
	if err != nil {
		return nil, err
	}
	return runnerEnv{env}, nil
}

func (r runnerDriver) StartWorkspace(ctx context.Context, lab *labs.Lab, dir string) (labEnv, error) {
	env, err := r.d.StartLab(ctx, lab, runner.KeepRunning(), runner.InWorkspace(dir))
	if err != nil {
		return nil, err
	}
	return runnerEnv{env}, nil
}

func (r runnerDriver) Sessions(ctx context.Context) ([]engine.SessionInfo, error) {
	return r.d.Sessions(ctx)
}

func (r runnerDriver) AttachLab(ctx context.Context, lab *labs.Lab, id string) (labEnv, error) {
	env, err := r.d.AttachLab(ctx, lab, id)
	if err != nil {
		return nil, err
	}
	return runnerEnv{env}, nil
}

func (r runnerDriver) StopSession(ctx context.Context, lab, id string) error {
	s := r.d.NewSession(lab)
	s.ID = id
	return s.Close(ctx)
}

func (r runnerDriver) GradeBatch(ctx context.Context, lab *labs.Lab, entries []runner.Entry, opts runner.BatchOptions) ([]checks.Report, error) {
	return r.d.GradeBatch(ctx, lab, entries, opts)
}

func (r runnerDriver) ProveLab(ctx context.Context, lab *labs.Lab, opts runner.ProveOptions) ([]*runner.Proof, error) {
	return r.d.ProveLab(ctx, lab, opts)
}

func (r runnerDriver) Stale(ctx context.Context) ([]engine.StaleSession, error) {
	return r.d.Stale(ctx)
}

func (r runnerDriver) RemoveSession(ctx context.Context, id string) error {
	return r.d.RemoveSession(ctx, id)
}

func (r runnerDriver) GC(ctx context.Context) (engine.Leftovers, error) { return r.d.GC(ctx) }

func (r runnerDriver) List(ctx context.Context, label string) ([]string, []string, error) {
	return r.d.List(ctx, label)
}

func (r runnerDriver) Host() string { return r.d.Host }

func (r runnerDriver) Engine(ctx context.Context) (engine.EngineInfo, error) {
	return r.d.Engine(ctx)
}

func (r runnerDriver) ImagePresent(ctx context.Context, image string) (bool, error) {
	return r.d.ImagePresent(ctx, image)
}

func (r runnerDriver) CheckImage(ctx context.Context, kind runner.Kind, image string) (engine.Lacks, error) {
	return r.d.CheckImage(ctx, kind, image)
}

func (r runnerDriver) Close() error { return r.d.Close() }

// runnerEnv is the labEnv of a lab running on Docker.
type runnerEnv struct{ env *runner.LabEnv }

var _ labEnv = runnerEnv{}

func (e runnerEnv) SessionID() string { return e.env.Session.ID }

func (e runnerEnv) Services() []labService {
	var out []labService
	for _, svc := range e.env.Session.Services() {
		if e.env.Lab.Services[svc.Name] == nil {
			// The runner's own containers (a serving runtime's port).
			continue
		}
		out = append(out, labService{Name: svc.Name, Kind: svc.Kind, URL: e.env.LearnerURL(svc.Name), HTTPSURL: e.env.LearnerHTTPSURL(svc.Name)})
	}
	return out
}

func (e runnerEnv) Check(ctx context.Context, sub runner.Submission, opts runner.CheckOptions) (*checks.Report, error) {
	return e.env.Check(ctx, sub, opts)
}

func (e runnerEnv) Reset(ctx context.Context) error { return e.env.Reset(ctx) }

func (e runnerEnv) SparesSupported() bool { return e.env.SparesSupported() }

func (e runnerEnv) PrepareSpares(ctx context.Context) error { return e.env.PrepareSpares(ctx) }

func (e runnerEnv) KeepSpares() func() { return e.env.KeepSpares() }

func (e runnerEnv) ShellCommand(service string) ([]string, []string, error) {
	return e.env.ShellCommand(service)
}

func (e runnerEnv) SyncFiles(ctx context.Context, service string, sub runner.Submission) error {
	return e.env.SyncFiles(ctx, service, sub)
}

func (e runnerEnv) Interactive(ctx context.Context, service string, cmd, env []string, term engine.Terminal) (int, error) {
	svc := e.env.Session.Service(service)
	if svc == nil {
		return 0, &runner.EnvError{Err: fmt.Errorf("service %s is not running", service)}
	}
	return svc.Interactive(ctx, cmd, env, term)
}

func (e runnerEnv) Close(ctx context.Context) error { return e.env.Close(ctx) }
