package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer the spinner's goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSpinner: on a terminal, a step that runs past the spinner's delay
// is shown as "running <step> …" and erased when it ends or the next one
// starts; a step that ends first, and any step without a terminal, print
// nothing.
func TestSpinner(t *testing.T) {
	t.Run("a slow step is shown, then erased", func(t *testing.T) {
		var out lockedBuffer
		s := &spinner{w: &out, tty: true, after: 0}
		s.start("custom-404")
		waitForOutput(t, &out, "running custom-404 …")
		s.start("assets-cached")
		waitForOutput(t, &out, "running assets-cached …")
		s.stop()
		got := out.String()
		if !strings.HasSuffix(got, "running assets-cached …\r\x1b[K") {
			t.Errorf("the last step is not erased at the end: %q", got)
		}
		if i := strings.Index(got, "running assets-cached"); !strings.Contains(got[:i], "custom-404 …\r\x1b[K") {
			t.Errorf("the first step is not erased before the next: %q", got)
		}
		s.mu.Lock()
		shown := s.shown
		s.mu.Unlock()
		if shown {
			t.Error("the spinner thinks a line is still shown after stop")
		}
	})
	t.Run("a fast step prints nothing", func(t *testing.T) {
		var out lockedBuffer
		s := &spinner{w: &out, tty: true, after: time.Hour}
		s.start("home-page")
		s.stop()
		if got := out.String(); got != "" {
			t.Errorf("printed %q", got)
		}
	})
	t.Run("no terminal, no spinner", func(t *testing.T) {
		var out lockedBuffer
		s := &spinner{w: &out, tty: false, after: 0}
		s.start("home-page")
		s.stop()
		if got := out.String(); got != "" {
			t.Errorf("printed %q", got)
		}
	})
}

// waitForOutput waits until out holds want; it fails after a generous
// deadline, which is not a timing assertion, only a bound on a hang.
func waitForOutput(t *testing.T, out *lockedBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %q", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
