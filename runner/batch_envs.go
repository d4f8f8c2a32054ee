package runner

import (
	"context"
	"fmt"
	"sync"

	"github.com/labrunner/labrunner/labs"
)

// envSet is every lab a batch started, the ones started again after the
// engine came back included, for the batch to remove at its end.
type envSet struct {
	mu   sync.Mutex
	envs []*LabEnv
}

func (s *envSet) add(env *LabEnv) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.envs = append(s.envs, env)
}

// close removes every lab of the set. A lab removed before (Close finds a
// session's objects by its label) costs one list.
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
	env, err := s.d.StartLab(ctx, s.lab)
	if err != nil {
		// s.life stays: the next worker to ask tries again.
		return nil, fmt.Errorf("start the lab again after the Docker engine came back: %w", err)
	}
	s.started.add(env)
	s.env, s.life = env, life
	return env, nil
}
