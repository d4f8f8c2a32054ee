package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// checkEnv implements checks.Env for one check of a lab run.
type checkEnv struct {
	run     *labRun
	service string
	reveal  bool
	// def is the check, where the Env is a check's own (not one of
	// Service): probes of the checks after it can be planned.
	def *labs.CheckDef
}

var _ checks.Env = (*checkEnv)(nil)

func (e *checkEnv) Reveal() bool { return e.reveal }

func (e *checkEnv) SQL() (checks.SQL, error) {
	r, ok := e.run.runs[e.service].(sqlRun)
	if !ok {
		return nil, fmt.Errorf("service %q is not a postgres service", e.service)
	}
	return r.SQL(), nil
}

func (e *checkEnv) Exec(ctx context.Context, cmd []string, opts checks.ExecOptions) (checks.ExecResult, error) {
	// What the command does may change the service's files.
	e.dropSnapshots()
	return e.exec(ctx, cmd, opts)
}

// exec runs cmd in the check's service: as the learner's program where
// the service runs them, else as it is.
func (e *checkEnv) exec(ctx context.Context, cmd []string, opts checks.ExecOptions) (checks.ExecResult, error) {
	if st, ok := e.run.env.state[e.service].(*boxState); ok {
		// The box's tools may be the learner's: the probe is copied
		// again after them.
		st.probes.drop()
	}
	if r, ok := e.run.runs[e.service].(execRun); ok {
		// A program that the environment failed under (the kernel
		// killed it for the machine's memory) is no grade.
		res, err := r.Exec(ctx, cmd, opts)
		e.run.noteEnv(err)
		return res, err
	}
	if opts.KillAt != nil {
		return checks.ExecResult{}, checks.ErrNoKillPoint
	}
	svc := e.run.env.sess.lookup(e.service)
	if svc == nil {
		return checks.ExecResult{}, fmt.Errorf("service %q is not running", e.service)
	}
	eo := engine.ExecOptions{User: opts.User, Env: opts.Env}
	if opts.Stdin != "" {
		eo.Stdin = strings.NewReader(opts.Stdin)
	}
	res, err := svc.Exec(ctx, cmd, eo)
	e.run.noteEnv(err)
	return checks.ExecResult{ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr, Truncated: res.Truncated}, err
}

func (e *checkEnv) Redis() (checks.Redis, error) {
	r, ok := e.run.runs[e.service].(redisRun)
	if !ok {
		return nil, fmt.Errorf("service %q is not a redis service", e.service)
	}
	return r.Redis()
}

func (e *checkEnv) Service(name string) (checks.Env, error) {
	if _, ok := e.run.env.Lab.Services[name]; !ok {
		return nil, fmt.Errorf("the lab has no service %q (services: %s)", name, strings.Join(serviceNames(e.run.env.Lab), ", "))
	}
	return &checkEnv{run: e.run, service: name, reveal: e.reveal}, nil
}

func (e *checkEnv) BaseURL() (string, error) {
	name := e.service
	if def := e.run.env.Lab.Services[name]; def != nil && def.Serve != nil {
		// The learner's program server, through its relay.
		name = relayName(name)
	}
	svc := e.run.env.sess.lookup(name)
	if svc == nil || svc.Addr() == "" {
		return "", fmt.Errorf("service %q has no HTTP endpoint", e.service)
	}
	return "http://" + svc.Addr(), nil
}

func (e *checkEnv) Submission(file string) (string, error) {
	s, ok := e.run.sub[file]
	if !ok {
		return "", fmt.Errorf("the submission has no file %q", file)
	}
	return s, nil
}

var _ checks.NetworkURLer = (*checkEnv)(nil)

// NetworkURL returns the base URL of the check's service on the lab's
// network, for requests sent from another of its services.
func (e *checkEnv) NetworkURL() (string, error) {
	s, ok := e.run.env.Lab.Services[e.service]
	if !ok {
		return "", fmt.Errorf("the lab has no service %q", e.service)
	}
	if s.Serve != nil {
		return fmt.Sprintf("http://%s:%d", e.service, s.Serve.Port), nil
	}
	k := kinds[Kind(s.Kind)]
	if k.networkURL == nil {
		return "", fmt.Errorf("service %q is not reachable by URL on the lab's network", e.service)
	}
	_, url := k.networkURL(e.service, s)
	return url, nil
}

var _ checks.Prober = (*checkEnv)(nil)

// Probe runs the grader's own probe in the check's service (a box), out
// of the submission's reach; checks.ErrNoProbe where there is none.
func (e *checkEnv) Probe(ctx context.Context, user string, args []string) (checks.ExecResult, error) {
	st, ok := e.run.env.state[e.service].(*boxState)
	if !ok {
		return checks.ExecResult{}, checks.ErrNoProbe
	}
	res, err := st.runProbe(ctx, user, args, e.planProbes)
	if !errors.Is(err, checks.ErrNoProbe) {
		e.run.noteEnv(err)
	}
	return res, err
}
