package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// How a batch survives the Docker engine going away (a restarted dockerd,
// a Docker Desktop that updates itself) in the middle of a class.
//
// When the engine stops, every container of the batch stops with it: a
// submission being graded meets a connection refused or an EOF, and so
// would every later one on those services, graded again or not. So the
// batch follows the engine's event stream (an engineWatch), which ends
// when the engine goes away, and reconnects with a backoff; a stopping
// engine is seen sooner by a ping on a new connection, which it refuses.
// A submission the environment failed under asks the watch, before it is
// graded again (see gradeEntry), whether the engine went away since its
// services were started; if so, the batch waits for the engine to come
// back, at most BatchOptions.EngineWait from the moment it went, starts
// its services again on it, and grades the submission again. An engine
// that does not come back in time is an error result for every submission
// still to grade, with that cause; what was graded before is kept.

// DefaultEngineWait is how long a batch waits for an engine that went
// away to come back: long enough for a dockerd restarted by systemd or an
// administrator, short enough that a CI job with no engine left ends.
const DefaultEngineWait = time.Minute

// errEngineUp says that the engine did not go away: the failure was
// another (a killed service container, a server in recovery), which
// starting the services again is not the answer to.
var errEngineUp = errors.New("the Docker engine did not go away")

// engineGone is the verdict on an engine that stayed away longer than the
// batch waits: no submission can be graded any more.
type engineGone struct{ msg string }

func (e *engineGone) Error() string { return e.msg }

// engineLink is what an engineWatch needs of the engine.
type engineLink interface {
	// follow opens the engine's event stream, calls opened once it is
	// open, and returns when it ends: the engine went away (or ctx
	// ended). It returns at once when the stream cannot be opened.
	follow(ctx context.Context, opened func()) error
	// ping asks whether the engine answers now.
	ping(ctx context.Context) error
}

// engineWatch follows one engine for a batch: whether it is up, and how
// many times it came back (its life: 1 at the start, one more at each
// return). Its methods are safe for concurrent use.
type engineWatch struct {
	link engineLink
	// wait bounds how long the engine may stay away.
	wait time.Duration
	// backoff is the first wait between reconnections, doubled up to
	// maxBackoff.
	backoff, maxBackoff time.Duration

	mu     sync.Mutex
	life   int
	down   bool
	lostAt time.Time
	cause  error
	// gone is set once the engine stayed away longer than wait: the
	// batch's verdict, which every later question gets at once.
	gone error
	// changed is closed (and replaced) whenever the state changes.
	changed chan struct{}
}

// newEngineWatch returns a watch of the engine behind link, taken to be
// up (the batch's driver just connected to it); run follows it.
func newEngineWatch(link engineLink, wait time.Duration) *engineWatch {
	if wait <= 0 {
		wait = DefaultEngineWait
	}
	return &engineWatch{link: link, wait: wait, backoff: 100 * time.Millisecond, maxBackoff: 2 * time.Second,
		life: 1, changed: make(chan struct{})}
}

// run follows the engine until ctx ends, reconnecting each time its event
// stream ends.
func (w *engineWatch) run(ctx context.Context) {
	wait := w.backoff
	for ctx.Err() == nil {
		err := w.link.follow(ctx, func() {
			wait = w.backoff
			w.opened()
		})
		if ctx.Err() != nil {
			return
		}
		w.lost(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, w.maxBackoff)
	}
}

// opened records an open event stream: an engine that was away is back,
// in a new life.
func (w *engineWatch) opened() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.down {
		return
	}
	w.down, w.cause = false, nil
	w.life++
	w.notify()
}

// lost records that the engine went away, with the error that said so.
func (w *engineWatch) lost(cause error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if cause == nil {
		cause = errors.New("its event stream ended")
	}
	if w.down {
		w.cause = cause
		return
	}
	w.down, w.lostAt, w.cause = true, time.Now(), cause
	w.notify()
}

// notify wakes whoever waits for a change; w.mu is held.
func (w *engineWatch) notify() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// since answers a submission the environment failed under, whose services
// were started in the engine's life life: the life it is in now when the
// engine went away since then and is back (start the services again on
// it); errEngineUp when it never went away; an error that says so when
// it stayed away longer than the watch's wait. It waits while the engine
// is away.
func (w *engineWatch) since(ctx context.Context, life int) (int, error) {
	w.mu.Lock()
	if !w.down && w.life == life && w.gone == nil {
		// The event stream may not have ended yet when the engine is
		// stopping: one ping settles it.
		w.mu.Unlock()
		if err := w.link.ping(ctx); err != nil && ctx.Err() == nil {
			w.lost(err)
		}
		w.mu.Lock()
	}
	defer w.mu.Unlock()
	for {
		switch {
		case w.gone != nil:
			return 0, w.gone
		case !w.down && w.life == life:
			return 0, errEngineUp
		case !w.down:
			return w.life, nil
		}
		left := time.Until(w.lostAt.Add(w.wait))
		if left <= 0 {
			w.gone = &EnvError{Err: &engineGone{fmt.Sprintf("the Docker engine went away at %s (%s) and did not come back within %s (--engine-wait)",
				w.lostAt.Format("15:04:05"), shortCause(w.cause), w.wait)}}
			return 0, w.gone
		}
		changed := w.changed
		w.mu.Unlock()
		timer := time.NewTimer(left)
		select {
		case <-ctx.Done():
			timer.Stop()
			w.mu.Lock()
			return 0, ctx.Err()
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
		w.mu.Lock()
	}
}

// shortCause is the first line of err.
func shortCause(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

// dockerLink is the engineLink of a Docker API client.
type dockerLink struct{ c *client.Client }

// ping asks on a new connection: a stopping dockerd closes its socket at
// once, but goes on answering on the connections it has (and keeps its
// event streams open) until its containers are stopped, seconds later.
func (l dockerLink) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := l.c.Dialer()(ctx)
	if err != nil {
		return err
	}
	conn.Close()
	_, err = l.c.Ping(ctx, client.PingOptions{})
	return err
}

// follow opens the engine's stream of daemon events, which are rare: the
// stream is there to end when the engine goes away. A ping first makes a
// stream that cannot be opened fail at once.
func (l dockerLink) follow(ctx context.Context, opened func()) error {
	if err := l.ping(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Events returns once the request is answered, or failed: a failure
	// comes on res.Err at once, and follow returns it. (An engine that
	// goes away between the ping and this request is then counted back
	// for an instant: the services started again on it fail to start,
	// an error of that submission's, and the watch sees it go.)
	res := l.c.Events(ctx, client.EventsListOptions{Filters: make(client.Filters).Add("type", "daemon")})
	opened()
	for {
		select {
		case <-res.Messages:
		case err := <-res.Err:
			return err
		}
	}
}
