package runner

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// LabEnv is a running lab: its session of containers and the lab state on
// each service (seeded databases). The caller must call Close, or keep the
// session for a later process to find with AttachLab.
type LabEnv struct {
	Lab     *labs.Lab
	Session *engine.Session

	// state is the lab state of each service, by service name.
	state map[string]serviceState
	// sess is Session as its states see it.
	sess session
	// targets are what each state may touch, by service name.
	targets map[string]*stateTarget
	// spares is set by KeepSpares (box_spare.go).
	spares *spares
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
	var specs []engine.ServiceSpec
	for _, name := range serviceNames(lab) {
		spec, err := d.labSpec(lab, name)
		if err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	if err := d.EnsureImages(ctx, specs...); err != nil {
		return nil, err
	}
	if err := s.Start(ctx, specs...); err != nil {
		return nil, err
	}
	env = d.newLabEnv(lab, s)
	end := phase.Begin("seed")
	err = env.seed(ctx)
	end()
	if err != nil {
		return nil, err
	}
	return env, nil
}

// StartOption tunes StartLab.
type StartOption func(*engine.Session)

// KeepRunning marks the lab's session as meant to outlive this process,
// as `lab start` does, so that it is never taken for a stale one.
func KeepRunning() StartOption { return func(s *engine.Session) { s.Keep = true } }

// InWorkspace labels the lab's session with the learner's workspace
// folder dir (an absolute path), for `lab ps` and `lab stop`.
func InWorkspace(dir string) StartOption { return func(s *engine.Session) { s.Dir = dir } }

// AttachLab returns the running lab of session id, as StartLab left it.
func (d *Driver) AttachLab(ctx context.Context, lab *labs.Lab, id string) (*LabEnv, error) {
	defer phase.Begin("attach")()
	s, err := d.FindSession(ctx, id)
	if err != nil {
		return nil, err
	}
	for name, def := range lab.Services {
		svc := s.Service(name)
		if svc == nil || svc.HostPort == "" && kinds[def.Kind].Port != "" {
			return nil, &EnvError{Err: fmt.Errorf("service %s of session %s is not running; run `lab stop` then `lab start`", name, id)}
		}
	}
	return d.newLabEnv(lab, s), nil
}

// labSpec is the spec service name of lab starts with: its kind's
// contract, its image, its environment and the files copied in.
func (d *Driver) labSpec(lab *labs.Lab, name string) (engine.ServiceSpec, error) {
	svc := lab.Services[name]
	spec, err := d.Spec(name, svc.Kind, svc.Image)
	if err != nil {
		return spec, err
	}
	spec.Env = svc.Env
	if kinds[svc.Kind].programs {
		spec.Env = programEnv(lab, svc)
	}
	spec.Files, err = readCopies(lab.FS(), svc.Files)
	return spec, err
}

func (d *Driver) newLabEnv(lab *labs.Lab, s *engine.Session) *LabEnv {
	env := &LabEnv{Lab: lab, Session: s, state: map[string]serviceState{}, sess: engineSession{s}, targets: map[string]*stateTarget{}}
	for _, name := range serviceNames(lab) {
		t := &stateTarget{name: name, def: lab.Services[name], lab: lab, sess: env.sess,
			spec: func() (engine.ServiceSpec, error) { return d.labSpec(lab, name) }}
		env.targets[name] = t
		var st serviceState = &plainState{t}
		if k := kinds[t.def.Kind]; k.newState != nil {
			st = k.newState(t)
		}
		env.state[name] = st
	}
	return env
}

// programEnv is the environment of a service where learners' programs
// run: how to reach the lab's other services on the lab network (each kind
// says how, in its networkURL), then the service's own env, which wins.
// Postgres is reached as the learner's role in the lab database, Redis as
// the learner's user where the service has one.
//
//	DATABASE_URL  the first postgres service (by name)
//	REDIS_URL     the first redis service
//	<NAME>_URL    every postgres, redis and nginx service ("db" → DB_URL)
func programEnv(lab *labs.Lab, svc *labs.Service) map[string]string {
	env := map[string]string{}
	for _, name := range serviceNames(lab) {
		s := lab.Services[name]
		k := kinds[s.Kind]
		if k.networkURL == nil {
			continue
		}
		first, url := k.networkURL(name, s)
		if first != "" && env[first] == "" {
			env[first] = url
		}
		env[strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+"_URL"] = url
	}
	maps.Copy(env, svc.Env)
	return env
}

func serviceNames(lab *labs.Lab) []string { return lab.ServiceNames() }

func (e *LabEnv) seed(ctx context.Context) error {
	for _, name := range serviceNames(e.Lab) {
		if err := e.state[name].Seed(ctx); err != nil {
			return err
		}
	}
	return nil
}

// readCopies reads the files a service gets copied in; a folder is copied
// recursively.
func readCopies(files fs.FS, copies []*labs.FileCopy) ([]engine.File, error) {
	var out []engine.File
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
			out = append(out, engine.File{Path: path.Join(c.Dst, rel), Content: b, Mode: mode})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", c.Src, err)
		}
	}
	return out, nil
}

// LearnerURL returns how the learner connects to service name: what the
// kind's state says (the learner role's URL to the lab database, the
// learner user's URL), else the service's URL.
func (e *LabEnv) LearnerURL(name string) string {
	if u, ok := e.state[name].(interface{ learnerURL() string }); ok {
		return u.learnerURL()
	}
	svc, def := e.sess.lookup(name), e.Lab.Services[name]
	if svc == nil || def == nil {
		return ""
	}
	return serviceURL(def.Kind, svc.Addr())
}

// ShellCommand returns the interactive client for a service, with the
// environment it needs: the kind's own (psql as the learner in the lab
// database, redis-cli), else a shell.
func (e *LabEnv) ShellCommand(name string) ([]string, []string, error) {
	if e.sess.lookup(name) == nil {
		return nil, nil, fmt.Errorf("the lab has no service %q (services: %v)", name, serviceNames(e.Lab))
	}
	if sh, ok := e.state[name].(interface{ shell() ([]string, []string) }); ok {
		cmd, env := sh.shell()
		return cmd, env, nil
	}
	return []string{"/bin/sh", "-c", "if command -v bash >/dev/null; then exec bash; else exec sh; fi"}, nil, nil
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

// Close removes the lab's containers and network, spares included, once
// the spares this process prepares in the background are done.
func (e *LabEnv) Close(ctx context.Context) error {
	e.stopSpares()
	return e.Session.Close(ctx)
}
