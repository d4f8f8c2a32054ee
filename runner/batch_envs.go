package runner

import (
	"context"
	"fmt"
	"sync"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// envSet is every lab a batch started, the ones started again after the
// engine came back included, for the batch to remove at its end; and the
// sessions of starts that failed, which the engine's going away can have
// kept StartLab from removing.
type envSet struct {
	mu   sync.Mutex
	envs []interface{ Close(context.Context) error }
}

func (s *envSet) add(env interface{ Close(context.Context) error }) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.envs = append(s.envs, env)
}

// start starts lab (StartLab); when that fails, its session is kept for
// close.
func (s *envSet) start(ctx context.Context, d *Driver, lab *labs.Lab) (*LabEnv, error) {
	var sess *engine.Session
	env, err := d.StartLab(ctx, lab, func(s *engine.Session) { sess = s })
	if err != nil && sess != nil {
		s.add(sess)
	}
	return env, err
}

// close removes every lab and session of the set. One removed before
// (Close finds a session's objects by its label) costs one list.
func (s *envSet) close(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, env := range s.envs {
		env.Close(ctx)
	}
}

// sharedEnv is the one lab whose slots a batch's workers grade in, in the
// engine's life it was started in (see engineWatch).
type sharedEnv struct {
	d       *Driver
	lab     *labs.Lab
	started *envSet

	mu   sync.Mutex
	env  *LabEnv
	life int
}

// restart returns the lab started in the engine's life life, or a later
// one: the first worker to ask removes what is left of the old lab and
// starts it again; the others get that one.
func (s *sharedEnv) restart(ctx context.Context, life int) (*LabEnv, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.life >= life {
		return s.env, nil
	}
	s.env.Close(ctx)
	env, err := s.started.start(ctx, s.d, s.lab)
	if err != nil {
		// s.life stays: the next worker to ask tries again.
		return nil, fmt.Errorf("start the lab again after the Docker engine came back: %w", err)
	}
	s.started.add(env)
	s.env, s.life = env, life
	return env, nil
}
