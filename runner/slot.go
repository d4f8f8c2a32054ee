package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/labrunner/labrunner/runner/pg"
)

// Slot is an isolated learner on a running lab: on each service, a learner
// of its own (for Postgres, a role and its own copies of the data), so
// that submissions can be graded in parallel on one server without seeing
// each other. The caller must Close it.
type Slot struct {
	states map[string]slotState
}

// SlotsSupported reports whether the lab can grade in slots: when every
// service's state can hold isolated learners side by side.
func (e *LabEnv) SlotsSupported() bool {
	for _, st := range e.state {
		if _, ok := st.(slotter); !ok {
			return false
		}
	}
	return true
}

// NewSlot creates an isolated learner named id (lowercase letters,
// digits, _).
func (e *LabEnv) NewSlot(ctx context.Context, id string) (*Slot, error) {
	if !pg.ValidIdent(id) {
		return nil, fmt.Errorf("slot id %q: use lowercase letters, digits and _", id)
	}
	s := &Slot{states: map[string]slotState{}}
	for name, st := range e.state {
		sl, ok := st.(slotter)
		if !ok {
			return nil, fmt.Errorf("service %s cannot grade isolated learners", name)
		}
		ss, err := sl.newSlot(ctx, id)
		if err != nil {
			s.Close(ctx)
			return nil, err
		}
		s.states[name] = ss
	}
	return s, nil
}

// Close drops the slot's learners (databases and roles).
func (s *Slot) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var errs []error
	for _, ss := range s.states {
		errs = append(errs, ss.Close(ctx))
	}
	return errors.Join(errs...)
}
