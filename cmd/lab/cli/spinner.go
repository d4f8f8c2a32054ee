package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// spinnerAfter is how long a step runs before the spinner shows it: a
// check that answers at once prints nothing.
const spinnerAfter = time.Second

// spinnerFrames are drawn in turn, one per spinnerTick.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

const spinnerTick = 100 * time.Millisecond

// spinner shows, on a terminal, the step of a check that has run for more
// than a while: "⠋ running custom-404 …" on one line of standard error,
// redrawn in place and erased when the step ends, so that the report that
// follows starts on a clean line. Without a terminal it prints nothing.
type spinner struct {
	w     io.Writer
	tty   bool
	after time.Duration

	mu    sync.Mutex
	gen   int // bumped by every start and stop; a drawing goroutine of an older one stops
	shown bool
}

func newSpinner(w io.Writer, tty bool) *spinner {
	return &spinner{w: w, tty: tty, after: spinnerAfter}
}

// start notes that step began; the previous step, if shown, is erased.
func (s *spinner) start(step string) {
	if !s.tty {
		return
	}
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.eraseLocked()
	s.mu.Unlock()
	go s.draw(gen, step)
}

// stop erases what is shown; the caller prints its report after it.
func (s *spinner) stop() {
	if !s.tty {
		return
	}
	s.mu.Lock()
	s.gen++
	s.eraseLocked()
	s.mu.Unlock()
}

func (s *spinner) eraseLocked() {
	if s.shown {
		fmt.Fprint(s.w, "\r\033[K")
		s.shown = false
	}
}

func (s *spinner) draw(gen int, step string) {
	wait := time.NewTimer(s.after)
	defer wait.Stop()
	<-wait.C
	tick := time.NewTicker(spinnerTick)
	defer tick.Stop()
	for i := 0; ; i++ {
		s.mu.Lock()
		if s.gen != gen {
			s.mu.Unlock()
			return
		}
		fmt.Fprintf(s.w, "\r\033[K%s running %s …", spinnerFrames[i%len(spinnerFrames)], step)
		s.shown = true
		s.mu.Unlock()
		<-tick.C
	}
}
