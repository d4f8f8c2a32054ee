package runner

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// stateTarget is what a kind's state may touch of the running lab: its own
// service and definition, the lab (for its files), and the session, to
// replace its container. It is this layer's testcontainers StrategyTarget.
type stateTarget struct {
	name string
	def  *labs.Service
	lab  *labs.Lab
	sess session
	// spec is the spec the service starts with, to start it again.
	spec func() (engine.ServiceSpec, error)
	// spares is set when this process keeps spares ready (KeepSpares).
	spares *spares
}

// service is what states use of a started service: *engine.Service, or a
// fake in tests.
type service interface {
	Exec(ctx context.Context, cmd []string, opts engine.ExecOptions) (engine.ExecResult, error)
	State(ctx context.Context) (engine.ContainerState, error)
	Restart(ctx context.Context, signal string) error
	DiskUsage(ctx context.Context) (int64, bool, error)
	CopyFrom(ctx context.Context, path string) (io.ReadCloser, error)
	Logs(ctx context.Context, tail string) (io.ReadCloser, error)
	// Addr is the host's "ip:port" of the service, or "".
	Addr() string
	// ID is the container's id.
	ID() string
}

var _ service = (*engine.Service)(nil)

// session is what a lab uses of its session of containers:
// engineSession, or a fake in tests.
type session interface {
	// lookup returns the started service named name, or nil.
	lookup(name string) service
	// Replace replaces the container of service spec.Name.
	Replace(ctx context.Context, spec engine.ServiceSpec) error
	// keep reports whether the session is meant to outlive this process.
	keep() bool
}

// engineSession is the session of an engine.
type engineSession struct{ *engine.Session }

func (s engineSession) lookup(name string) service {
	if svc := s.Service(name); svc != nil {
		return svc
	}
	return nil
}

func (s engineSession) keep() bool { return s.Keep }

// service returns the target's started service, or an EnvError.
func (t *stateTarget) service() (service, error) {
	svc := t.sess.lookup(t.name)
	if svc == nil {
		return nil, &EnvError{Err: fmt.Errorf("service %s is not running", t.name)}
	}
	return svc, nil
}

// Fixture is a fixture file of a lab: an SQL script that seeds a
// database, a shell script that prepares a box.
type Fixture struct {
	Name    string
	Content string
}

// fixtures reads fixture files of the lab.
func (t *stateTarget) fixtures(names []string) ([]Fixture, error) {
	var out []Fixture
	for _, n := range names {
		b, err := fs.ReadFile(t.lab.FS(), n)
		if err != nil {
			return nil, fmt.Errorf("read fixture: %w", err)
		}
		out = append(out, Fixture{Name: n, Content: string(b)})
	}
	return out, nil
}

// serviceState is the lab-level behaviour of one service of a kind: how
// its fixtures seed it, how a reset restores the seeded state, and how a
// grading run starts on it. Each kind implements it in its own file.
//
// A state may also implement, asserted where used:
//
//	learnerURL() string                 how the learner connects
//	shell() (cmd, env []string)         `lab shell`'s client
//	slotter                             isolated learners (batch grading)
type serviceState interface {
	// Seed loads the service's fixtures after the service started.
	Seed(ctx context.Context) error
	// Reset brings the service back to its seeded state.
	Reset(ctx context.Context) error
	// Begin starts one grading run on the service, resetting what the
	// run needs reset.
	Begin(ctx context.Context, opts runOptions) (serviceRun, error)
}

// healthChecker is implemented by a serviceState that can tell whether
// its service still works after a check: a check that failed while a
// service was down (a Redis that died, a container killed for memory)
// says nothing about the submission.
type healthChecker interface {
	health(ctx context.Context) error
}

// runOptions are how a grading run uses the services.
type runOptions struct {
	// Live grades the state as the learner left it: nothing is reset or
	// applied again.
	Live bool
	// Slot is the isolated learner to grade as, or nil.
	Slot *Slot
	// Programs is set when learners' programs run in the lab and reach
	// the other services themselves, outside any grading transaction.
	Programs bool
}

// serviceRun is one grading run on one service.
//
// A run may also implement, asserted by checkEnv only:
//
//	sqlRun    (postgres)
//	redisRun  (redis)
//	execRun   (runtime: commands run as the learner's program)
type serviceRun interface {
	// Apply applies a submission file. An error that is not an EnvError
	// is the submission's problem and is shown to the learner.
	Apply(ctx context.Context, f *labs.SubmissionFile, content string) error
	// End ends the run: it rolls back or undoes what the run changed, and
	// reports an environment failure seen during the run.
	End(ctx context.Context) error
}

// The capabilities a run may offer checks.
type (
	sqlRun   interface{ SQL() checks.SQL }
	redisRun interface {
		Redis() (checks.Redis, error)
	}
	execRun interface {
		Exec(ctx context.Context, cmd []string, opts checks.ExecOptions) (checks.ExecResult, error)
	}
)

// slotter is a state that can grade isolated learners side by side.
type slotter interface {
	newSlot(ctx context.Context, id string) (slotState, error)
}

// slotState is one isolated learner on one service.
type slotState interface {
	Close(ctx context.Context) error
}

// plainState is a kind with no lab state of its own (backend).
type plainState struct{ t *stateTarget }

func (p *plainState) Seed(ctx context.Context) error {
	if len(p.t.def.Fixtures) > 0 {
		return fmt.Errorf("service %s: fixtures of kind %s are not supported", p.t.name, p.t.def.Kind)
	}
	return nil
}

func (p *plainState) Reset(ctx context.Context) error { return nil }

func (p *plainState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	return unsupportedRun{p.t.def.Kind}, nil
}

// unsupportedRun is the run of a kind that takes no submission files.
type unsupportedRun struct{ kind string }

func (u unsupportedRun) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	return fmt.Errorf("apply mode %q is not supported on a %s service", f.Apply, u.kind)
}

func (unsupportedRun) End(ctx context.Context) error { return nil }

// beginReset begins a run of a kind whose state is reset before each run
// that is not live and needs no undoing after it: apply applies a file,
// told whether the run is live.
func beginReset(ctx context.Context, st serviceState, opts runOptions,
	apply func(ctx context.Context, f *labs.SubmissionFile, content string, live bool) error) (serviceRun, error) {
	if !opts.Live {
		if err := st.Reset(ctx); err != nil {
			return nil, err
		}
	}
	return resetRun{apply: func(ctx context.Context, f *labs.SubmissionFile, content string) error {
		return apply(ctx, f, content, opts.Live)
	}}, nil
}

// resetRun is the run of a kind whose state is reset before each run
// and needs no undoing after it; apply applies a file.
type resetRun struct {
	apply func(ctx context.Context, f *labs.SubmissionFile, content string) error
}

func (r resetRun) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	return r.apply(ctx, f, content)
}

func (resetRun) End(ctx context.Context) error { return nil }
