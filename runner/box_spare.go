package runner

import (
	"context"
	"fmt"
	"sync"

	"github.com/labrunner/labrunner/internal/phase"

	"github.com/labrunner/labrunner/runner/engine"
)

// A box's reset recreated its container and ran its fixtures again:
// about 0.7 s of a warm `lab check` on a loaded machine, where the checks
// themselves take a few exec round trips. With a spare (engine/spare.go)
// the reset is a swap: a second box, started from the image and seeded
// with the fixtures ahead of time, takes the used one's name. Nothing but
// the fixtures ever ran in the spare: it is prepared while no submission
// runs in it and, until it is adopted, it is on no network and no command
// of a submission is run in it, so what a hostile submission did to its
// own box (or tries to do from it) cannot reach the next submission's.
//
// Who prepares a spare depends on how long the process lives:
//
//   - `lab start`, `lab check` and `lab reset` of a workspace are short
//     CLI processes: after their work they start `lab spare` in the
//     background (cmd/lab/cli/spare.go), which calls PrepareSpares and
//     exits; the next check or reset adopts what it left ready.
//   - `lab watch` and `lab grade` live on: KeepSpares makes each reset
//     that used up a spare (or recreated the box) prepare the next one in
//     a goroutine, which Close waits for.
//
// A reset without a ready spare recreates the box as before; a spare that
// cannot be prepared only costs the next reset its speed.

// spareSession is what a state uses of a session that can hold spares:
// engineSession.
type spareSession interface {
	sparesSupported() bool
	hasSpare(name string) bool
	adoptSpare(ctx context.Context, name string) (bool, error)
	startSpare(ctx context.Context, spec engine.ServiceSpec) (service, error)
	readySpare(ctx context.Context, svc service) error
	removeSpare(ctx context.Context, svc service) error
}

func (s engineSession) sparesSupported() bool     { return s.SparesSupported() }
func (s engineSession) hasSpare(name string) bool { return s.HasSpare(name) }
func (s engineSession) adoptSpare(ctx context.Context, name string) (bool, error) {
	return s.AdoptSpare(ctx, name)
}

func (s engineSession) startSpare(ctx context.Context, spec engine.ServiceSpec) (service, error) {
	svc, err := s.StartSpare(ctx, spec)
	if err != nil {
		return nil, err
	}
	return svc, nil
}

func (s engineSession) readySpare(ctx context.Context, svc service) error {
	return s.ReadySpare(ctx, svc.(*engine.Service))
}

func (s engineSession) removeSpare(ctx context.Context, svc service) error {
	return s.RemoveSpare(ctx, svc.(*engine.Service))
}

// spareMaker is a state whose service can have a spare.
type spareMaker interface {
	// prepareSpare prepares a spare unless one is there or being
	// prepared.
	prepareSpare(ctx context.Context) error
}

// spares is how a state of this process keeps spares ready: nil, or
// KeepSpares' background work.
type spares struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// adoptSpare swaps the box for a ready spare, if there is one; the box is
// then as seeded.
func (st *boxState) adoptSpare(ctx context.Context) (bool, error) {
	ss, ok := st.t.sess.(spareSession)
	if !ok || !ss.sparesSupported() {
		return false, nil
	}
	adopted, err := ss.adoptSpare(ctx, st.name)
	if err != nil || !adopted {
		return false, err
	}
	st.probes.forget()
	if st.probe == nil {
		// The spare ran nothing but the lab's fixtures, which come from
		// the catalog: its probe is the image's.
		svc, err := st.t.service()
		if err != nil {
			return false, err
		}
		if err := st.readProbe(ctx, svc); err != nil {
			return false, err
		}
	}
	st.pristine = true
	st.keepSpare()
	return true, nil
}

// keepSpare prepares the next spare in the background when this process
// keeps spares ready (KeepSpares).
func (st *boxState) keepSpare() {
	sp := st.t.spares
	if sp == nil {
		return
	}
	sp.wg.Go(func() { st.prepareSpare(sp.ctx) })
}

// prepareSpare starts a spare box and runs the lab's fixtures in it,
// unless the box has a spare already.
func (st *boxState) prepareSpare(ctx context.Context) error {
	ss, ok := st.t.sess.(spareSession)
	if !ok || !ss.sparesSupported() {
		return nil
	}
	if !st.spareMu.TryLock() {
		return nil // this process prepares one already
	}
	defer st.spareMu.Unlock()
	if ss.hasSpare(st.name) {
		return nil
	}
	defer phase.Begin("prepare spare " + st.name)()
	spec, err := st.t.spec()
	if err != nil {
		return err
	}
	svc, err := ss.startSpare(ctx, spec)
	if err != nil {
		return err
	}
	if err := st.seedSpare(ctx, svc); err != nil {
		ss.removeSpare(ctx, svc)
		return err
	}
	if err := ss.readySpare(ctx, svc); err != nil {
		ss.removeSpare(ctx, svc)
		return err
	}
	return nil
}

// seedSpare runs the lab's fixtures in a spare, as Seed does in the box.
func (st *boxState) seedSpare(ctx context.Context, svc service) error {
	fixtures, err := st.t.fixtures(st.svc.Fixtures)
	if err != nil {
		return err
	}
	for _, f := range fixtures {
		res, err := execScript(ctx, svc, f.Name, f.Content, true)
		if err != nil {
			return fmt.Errorf("seed a spare of %s: fixture %s: %w", st.name, f.Name, err)
		}
		if res.ExitCode != 0 {
			return &FixtureError{Service: st.name, Fixture: f.Name, Err: fmt.Errorf("exit status %d%s", res.ExitCode, outputTail(res, ":\n"))}
		}
		if hasLeftRunning(res) {
			return fmt.Errorf("seed a spare of %s: fixture %s left processes running", st.name, f.Name)
		}
	}
	return nil
}

// SparesSupported reports whether a service of the lab can have a spare,
// so that its reset is a swap.
func (e *LabEnv) SparesSupported() bool {
	ss, ok := e.sess.(spareSession)
	if !ok || !ss.sparesSupported() {
		return false
	}
	for _, st := range e.state {
		if _, ok := st.(spareMaker); ok {
			return true
		}
	}
	return false
}

// PrepareSpares prepares a spare of every service that can have one and
// has none, after removing what earlier processes left of spares and used
// containers (RemoveLeftovers).
func (e *LabEnv) PrepareSpares(ctx context.Context) error {
	e.Session.RemoveLeftovers(ctx)
	var first error
	for _, name := range serviceNames(e.Lab) {
		if sm, ok := e.state[name].(spareMaker); ok {
			if err := sm.prepareSpare(ctx); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// KeepSpares makes this process keep spares ready: now, and after each
// reset that used one, in the background. For processes that reset again
// and again (`lab watch`, `lab grade`). stop ends it and waits for the
// preparation under way (Close does too).
func (e *LabEnv) KeepSpares() (stop func()) {
	if e.spares != nil || !e.SparesSupported() {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.spares = &spares{ctx: ctx, cancel: cancel}
	for _, t := range e.targets {
		t.spares = e.spares
	}
	for _, name := range serviceNames(e.Lab) {
		if st, ok := e.state[name].(*boxState); ok {
			st.keepSpare()
		}
	}
	return e.stopSpares
}

// stopSpares cancels the background preparation of spares and waits for
// it and for the removals of used containers.
func (e *LabEnv) stopSpares() {
	if e.spares == nil {
		return
	}
	e.spares.cancel()
	e.spares.wg.Wait()
	e.Session.Settle()
}

var _ spareMaker = (*boxState)(nil)
