package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// LabEnv is a running lab: its session of containers and the lab state on
// each service (seeded databases). The caller must call Close, or keep the
// session for a later process to find with AttachLab.
type LabEnv struct {
	Lab     *labs.Lab
	Session *Session

	// state is the lab state of each service, by service name.
	state map[string]serviceState
	// pg are the postgres services' states (also in state).
	pg map[string]*pgLab
}

// serviceState is the lab-level behaviour of one service of a kind: how
// its fixtures seed it, how a reset restores the seeded state, and how a
// submission file is applied to it. Each kind implements it in its own
// file; newServiceState picks the implementation.
type serviceState interface {
	// Seed loads the service's fixtures after the service started.
	Seed(ctx context.Context) error
	// Reset brings the service back to its seeded state.
	Reset(ctx context.Context) error
	// Apply applies a submission file within run (whose connections a
	// kind may use). An error that is not an EnvError is the submission's
	// problem and is shown to the learner. live means the learner works
	// by hand and nothing is re-applied.
	Apply(ctx context.Context, run *labRun, f *labs.SubmissionFile, content string, live bool) error
}

// newServiceState returns the state of service name of the lab.
func newServiceState(e *LabEnv, name string, svc *labs.Service) serviceState {
	switch Kind(svc.Kind) {
	case KindBox:
		return newBoxState(e, name, svc)
	case KindNginx:
		return newNginxState(e, name, svc)
	case KindPostgres:
		return newPostgresState(e, name, svc)
	case KindRedis:
		return newRedisState(e, name, svc)
	case KindRuntime:
		return newRuntimeState(e, name, svc)
	default:
		return &plainState{env: e, name: name, svc: svc}
	}
}

// plainState is a kind with no lab state of its own (backend).
type plainState struct {
	env  *LabEnv
	name string
	svc  *labs.Service
}

func (p *plainState) Seed(ctx context.Context) error {
	if len(p.svc.Fixtures) > 0 {
		return fmt.Errorf("service %s: fixtures of kind %s are not supported", p.name, p.svc.Kind)
	}
	return nil
}

func (p *plainState) Reset(ctx context.Context) error { return nil }

func (p *plainState) Apply(ctx context.Context, run *labRun, f *labs.SubmissionFile, content string, live bool) error {
	return fmt.Errorf("apply mode %q is not supported on a %s service", f.Apply, p.svc.Kind)
}

// Submission maps the names of a lab's submission files to their content.
type Submission map[string]string

// StartLab starts the lab's services in parallel, seeds them, and returns
// the running lab, whose files it reads through lab.FS(). On error,
// everything started is removed.
func (d *Driver) StartLab(ctx context.Context, lab *labs.Lab, opts ...StartOption) (env *LabEnv, err error) {
	s := d.NewSession(lab.ID)
	for _, o := range opts {
		o(s)
	}
	defer func() {
		if err != nil {
			s.Close(ctx)
		}
	}()
	var specs []ServiceSpec
	for _, name := range serviceNames(lab) {
		svc := lab.Services[name]
		spec := ServiceSpec{Name: name, Kind: Kind(svc.Kind), Image: svc.Image, Env: serviceEnv(lab, svc)}
		spec.Files, err = readCopies(lab.FS(), svc.Files)
		if err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	if err := s.Start(ctx, specs...); err != nil {
		return nil, err
	}
	env = newLabEnv(lab, s)
	if err := env.seed(ctx); err != nil {
		return nil, err
	}
	return env, nil
}

// StartOption tunes StartLab.
type StartOption func(*Session)

// KeepRunning marks the lab's session as meant to outlive this process,
// as `lab start` does, so that it is never taken for a stale one.
func KeepRunning() StartOption { return func(s *Session) { s.Keep = true } }

// AttachLab returns the running lab of session id, as StartLab left it.
func (d *Driver) AttachLab(ctx context.Context, lab *labs.Lab, id string) (*LabEnv, error) {
	s, err := d.FindSession(ctx, id)
	if err != nil {
		return nil, err
	}
	for name := range lab.Services {
		if s.Service(name) == nil || s.Service(name).HostPort == "" && Kind(lab.Services[name].Kind) != KindBox && Kind(lab.Services[name].Kind) != KindRuntime {
			return nil, &EnvError{Err: fmt.Errorf("service %s of session %s is not running; run `lab stop` then `lab start`", name, id)}
		}
	}
	return newLabEnv(lab, s), nil
}

func newLabEnv(lab *labs.Lab, s *Session) *LabEnv {
	env := &LabEnv{Lab: lab, Session: s, state: map[string]serviceState{}, pg: map[string]*pgLab{}}
	for _, name := range serviceNames(lab) {
		env.state[name] = newServiceState(env, name, lab.Services[name])
	}
	return env
}

// variantService is the postgres service a variant seeds.
func variantService(lab *labs.Lab, v *labs.Variant) string {
	if v.Service != "" {
		return v.Service
	}
	for _, name := range serviceNames(lab) {
		if lab.Services[name].Kind == string(KindPostgres) {
			return name
		}
	}
	return ""
}

func serviceNames(lab *labs.Lab) []string {
	names := make([]string, 0, len(lab.Services))
	for n := range lab.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (e *LabEnv) seed(ctx context.Context) error {
	for _, name := range serviceNames(e.Lab) {
		if err := e.state[name].Seed(ctx); err != nil {
			return err
		}
	}
	return nil
}

// readFixtures reads fixture files of the lab.
func (e *LabEnv) readFixtures(names []string) ([]Fixture, error) {
	var out []Fixture
	for _, n := range names {
		b, err := fs.ReadFile(e.Lab.FS(), n)
		if err != nil {
			return nil, fmt.Errorf("read fixture: %w", err)
		}
		out = append(out, Fixture{Name: n, SQL: string(b)})
	}
	return out, nil
}

// readCopies reads the files a service gets copied in; a folder is copied
// recursively.
func readCopies(files fs.FS, copies []*labs.FileCopy) ([]File, error) {
	var out []File
	for _, c := range copies {
		mode := int64(0o644)
		if c.Mode != "" {
			m, err := strconv.ParseInt(c.Mode, 8, 32)
			if err != nil {
				return nil, fmt.Errorf("mode %q of %s: %w", c.Mode, c.Src, err)
			}
			mode = m
		}
		src := path.Clean(c.Src)
		err := fs.WalkDir(files, src, func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return err
			}
			b, err := fs.ReadFile(files, p)
			if err != nil {
				return err
			}
			rel := p[len(src):]
			out = append(out, File{Path: path.Join(c.Dst, rel), Content: b, Mode: mode})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", c.Src, err)
		}
	}
	return out, nil
}

// LearnerURL returns how the learner connects to service name: for
// Postgres, the learner role's URL to the lab database; for Redis with a
// learner user, that user's URL; otherwise the service's URL.
func (e *LabEnv) LearnerURL(name string) string {
	if p := e.pg[name]; p != nil {
		return p.LearnerURL()
	}
	svc := e.Session.Service(name)
	if svc == nil {
		return ""
	}
	if s := e.Lab.Services[name]; s != nil && Kind(s.Kind) == KindRedis && s.ACL && svc.HostPort != "" {
		return fmt.Sprintf("redis://%s:%s@%s/0", RedisLearnerUser, RedisLearnerPassword, svc.HostPort)
	}
	return svc.URL()
}

// Reset brings every service back to its seeded state.
func (e *LabEnv) Reset(ctx context.Context) error {
	for _, name := range serviceNames(e.Lab) {
		if err := e.state[name].Reset(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close removes the lab's containers and network.
func (e *LabEnv) Close(ctx context.Context) error { return e.Session.Close(ctx) }

// CheckOptions tune LabEnv.Check.
type CheckOptions struct {
	// Live grades the state as the learner left it: no reset, and scripts
	// are not applied again.
	Live bool
	// Name is the submission's name in the report.
	Name string
	// Slot grades as an isolated learner (see NewSlot) instead of the
	// workspace learner; the slot's databases are fresh, so nothing is
	// reset.
	Slot *Slot
}

// Slot is an isolated learner on a running lab: on each postgres service,
// a role of its own and its own copies of the data, so that submissions
// can be graded in parallel on one server without seeing each other. The
// caller must Close it.
type Slot struct {
	env *LabEnv
	pg  map[string]*pgSlot
}

// SlotsSupported reports whether the lab can grade in slots: only when
// every service is a postgres service, the others having one state each.
func (e *LabEnv) SlotsSupported() bool {
	return len(e.pg) == len(e.Lab.Services)
}

// NewSlot creates an isolated learner named id (lowercase letters,
// digits, _).
func (e *LabEnv) NewSlot(ctx context.Context, id string) (*Slot, error) {
	if !identRe.MatchString(id) {
		return nil, fmt.Errorf("slot id %q: use lowercase letters, digits and _", id)
	}
	s := &Slot{env: e, pg: map[string]*pgSlot{}}
	for name, p := range e.pg {
		ps, err := p.newSlot(ctx, id)
		if err != nil {
			s.Close(ctx)
			return nil, err
		}
		s.pg[name] = ps
	}
	return s, nil
}

// Close drops the slot's databases and roles.
func (s *Slot) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var errs []error
	for name, ps := range s.pg {
		errs = append(errs, s.env.pg[name].dropSlot(ctx, ps))
	}
	return errors.Join(errs...)
}

// labRun is the state of one grading run.
type labRun struct {
	env *LabEnv
	sub Submission
	sql map[string]*pgSQL
	// envFailure is the first failure of the environment during the run
	// (a connection lost, a container gone): the run's grade cannot be
	// trusted then.
	envFailure error
}

// noteEnv records err when it is the environment's failure.
func (r *labRun) noteEnv(err error) {
	var ee *EnvError
	if r.envFailure == nil && errors.As(err, &ee) {
		r.envFailure = err
	}
}

// Check grades sub: reset to the seeded state, apply the submission files,
// run the checks. Problems applying a file are reported as a failing
// result of the file, and the checks still run, since they say more.
func (e *LabEnv) Check(ctx context.Context, sub Submission, opts CheckOptions) (_ *checks.Report, err error) {
	start := time.Now()
	rep := &checks.Report{Lab: e.Lab.ID, Submission: opts.Name}
	if !opts.Live {
		// Postgres services grade in a transaction that is rolled back
		// (see pgSQL) and need no reset; the other kinds are reset.
		for _, name := range serviceNames(e.Lab) {
			if e.pg[name] != nil && !e.programsUseDatabases() {
				continue
			}
			if err := e.state[name].Reset(ctx); err != nil {
				return nil, err
			}
		}
	}
	run := &labRun{env: e, sub: sub, sql: map[string]*pgSQL{}}
	for name, p := range e.pg {
		s := &pgSQL{lab: p, slot: p.grading, tx: true}
		switch {
		case opts.Live, e.programsUseDatabases():
			s = &pgSQL{lab: p, slot: p.learner}
		case opts.Slot != nil:
			s.slot = opts.Slot.pg[name]
		}
		run.sql[name] = s
	}
	defer func() {
		for _, s := range run.sql {
			if cerr := s.Close(ctx); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	for _, f := range e.Lab.Submission {
		content, ok := sub[f.File]
		if !ok {
			rep.Results = append(rep.Results, checks.Result{Name: "apply " + f.File, Type: "apply", Status: checks.Fail,
				Message: fmt.Sprintf("the submission has no file %s", f.File)})
			continue
		}
		if err := e.apply(ctx, run, f, content, opts); err != nil {
			var ee *EnvError
			if errors.As(err, &ee) {
				return nil, err
			}
			rep.Results = append(rep.Results, checks.Result{Name: "apply " + f.File, Type: "apply", Status: checks.Fail,
				Message: err.Error()})
		}
	}
	rep.Results = append(rep.Results, runChecks(ctx, e.Lab, func(def *labs.CheckDef) checks.Env {
		return &checkEnv{run: run, service: def.Service, reveal: def.Reveal}
	})...)
	for _, s := range run.sql {
		run.noteEnv(s.envFailure)
	}
	if run.envFailure != nil {
		// A grade computed against a broken environment would be wrong.
		return nil, &EnvError{Err: fmt.Errorf("the environment failed during the check, so there is no grade: %w", run.envFailure)}
	}
	rep.Duration = time.Since(start)
	rep.Summarize()
	return rep, nil
}

// applyTimeout bounds applying one submission file.
const applyTimeout = 30 * time.Second

func (e *LabEnv) apply(ctx context.Context, run *labRun, f *labs.SubmissionFile, content string, opts CheckOptions) error {
	ctx, cancel := context.WithTimeout(ctx, applyTimeout)
	defer cancel()
	return e.state[f.Service].Apply(ctx, run, f, content, opts.Live)
}
