package runner

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLink is an engine that is up or down as a test says: follow blocks
// while it is up and the stream is open, ping answers by its state.
type fakeLink struct {
	mu   sync.Mutex
	up   bool
	stop chan struct{} // closed to end the open stream
	// pings counts the pings; opens the streams opened.
	pings, opens int
}

func newFakeLink() *fakeLink { return &fakeLink{up: true, stop: make(chan struct{})} }

var errRefused = errors.New("dial unix /run/docker.sock: connect: connection refused")

func (f *fakeLink) follow(ctx context.Context, opened func()) error {
	f.mu.Lock()
	if !f.up {
		f.mu.Unlock()
		return errRefused
	}
	stop := f.stop
	f.opens++
	f.mu.Unlock()
	opened()
	select {
	case <-stop:
		return errors.New("unexpected EOF")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *fakeLink) ping(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pings++
	if !f.up {
		return errRefused
	}
	return nil
}

// stopEngine takes the engine down: its socket refuses, and its event
// stream ends when streamEnds.
func (f *fakeLink) stopEngine(streamEnds bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.up = false
	if streamEnds {
		close(f.stop)
		f.stop = make(chan struct{})
	}
}

// waitOpen waits until the watch has opened its first event stream.
func (f *fakeLink) waitOpen(t *testing.T) {
	waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.opens > 0 })
}

func (f *fakeLink) startEngine() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.up = true
}

// TestEngineWatch: a submission that failed asks the watch whether the
// engine went away since its services were started, in each way the
// engine can behave.
func TestEngineWatch(t *testing.T) {
	tests := []struct {
		name string
		// fault changes the engine once the watch runs; nil leaves it up.
		fault func(f *fakeLink)
		// later changes it again while since waits.
		later    func(f *fakeLink)
		wait     time.Duration
		wantLife int
		wantErr  string
	}{
		{name: "never went away", wantErr: errEngineUp.Error()},
		{name: "restarted before the question", wait: time.Minute, wantLife: 2,
			fault: func(f *fakeLink) { f.stopEngine(true); f.startEngine() }},
		{name: "stopping: socket refuses, stream still open, then back", wait: time.Minute, wantLife: 2,
			fault: func(f *fakeLink) { f.stopEngine(false) },
			later: func(f *fakeLink) { f.stopEngine(true); f.startEngine() }},
		{name: "away and back while asked", wait: time.Minute, wantLife: 2,
			fault: func(f *fakeLink) { f.stopEngine(true) },
			later: func(f *fakeLink) { f.startEngine() }},
		{name: "gone for good", wait: 50 * time.Millisecond,
			fault:   func(f *fakeLink) { f.stopEngine(true) },
			wantErr: "the Docker engine went away at "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLink()
			w := newEngineWatch(f, tt.wait)
			w.backoff, w.maxBackoff = time.Millisecond, 5*time.Millisecond
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go w.run(ctx)
			f.waitOpen(t)
			if tt.fault != nil {
				tt.fault(f)
				if tt.wantLife == 2 && tt.later == nil {
					// The watch sees the new life before it is asked.
					waitFor(t, func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.life == 2 })
				}
			}
			if tt.later != nil {
				go func() {
					waitFor(t, func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.down })
					tt.later(f)
				}()
			}
			life, err := w.since(ctx, 1)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("since: %d, %v; want an error with %q", life, err, tt.wantErr)
				}
				return
			}
			if err != nil || life != tt.wantLife {
				t.Fatalf("since: %d, %v; want life %d", life, err, tt.wantLife)
			}
			// Asked again from the new life: the engine is up in it.
			if _, err := w.since(ctx, life); !errors.Is(err, errEngineUp) {
				t.Errorf("since the new life: %v, want errEngineUp", err)
			}
		})
	}
}

// TestEngineWatchGoneForGood: once the engine stayed away longer than the
// wait, every later question gets that verdict at once, with the cause
// and the flag that sets the wait, and as an EnvError (exit 3).
func TestEngineWatchGoneForGood(t *testing.T) {
	f := newFakeLink()
	w := newEngineWatch(f, 20*time.Millisecond)
	w.backoff, w.maxBackoff = time.Millisecond, 5*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.run(ctx)
	f.waitOpen(t)
	f.stopEngine(true)
	_, err := w.since(ctx, 1)
	var ee *EnvError
	if !errors.As(err, &ee) || !errors.As(err, new(*engineGone)) {
		t.Fatalf("since: %v, want an EnvError that is an engineGone", err)
	}
	for _, want := range []string{"the Docker engine went away at ", "connection refused", "did not come back within 20ms (--engine-wait)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	// It comes back too late: the batch's verdict stands.
	f.startEngine()
	waitFor(t, func() bool { w.mu.Lock(); defer w.mu.Unlock(); return !w.down })
	if _, again := w.since(ctx, 1); again != err {
		t.Errorf("asked again: %v, want the same verdict %v", again, err)
	}
}

// TestEngineWatchStopsWithItsBatch: a question asked while the engine is
// away ends with the batch's context.
func TestEngineWatchStopsWithItsBatch(t *testing.T) {
	f := newFakeLink()
	w := newEngineWatch(f, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go w.run(ctx)
	f.waitOpen(t)
	f.stopEngine(true)
	waitFor(t, func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.down })
	cancel()
	if _, err := w.since(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("since after the batch ended: %v, want context.Canceled", err)
	}
}

// waitFor polls cond until it holds (the test's own timeout bounds it).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}
