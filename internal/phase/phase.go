// Package phase times the phases of a lab command when tracing is on
// (LAB_TRACE=1, see Enabled): starting the services, seeding, each step of
// a check, removing what ran. Each phase prints one line as it ends:
//
//	lab trace:     73.1 ms  start network
//
// Phases nest (a check's "reset db" inside "check") and may overlap (the
// services of a lab start at once), so their times do not add up to the
// command's. Off, Begin costs one atomic load, so the hooks stay in the
// code paths that are measured.
package phase

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Prefix starts every line a phase prints.
const Prefix = "lab trace: "

// sink is where ended phases are written, one line each.
type sink struct {
	mu sync.Mutex
	w  io.Writer
}

var out atomic.Pointer[sink]

// Enabled reports whether the value of LAB_TRACE turns tracing on: any
// value but "", "0" and "false".
func Enabled(value string) bool {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "", "0", "false":
		return false
	}
	return true
}

// Enable makes every phase that ends from now on print its line to w; a
// nil w turns tracing off. Lines are written whole, also from several
// goroutines.
func Enable(w io.Writer) {
	if w == nil {
		out.Store(nil)
		return
	}
	out.Store(&sink{w: w})
}

// Begin starts the phase called name; the function it returns ends it and
// prints its line. With tracing off it does nothing.
func Begin(name string) (end func()) {
	s := out.Load()
	if s == nil {
		return func() {}
	}
	t0 := time.Now()
	return func() { s.write(name, time.Since(t0)) }
}

func (s *sink) write(name string, d time.Duration) {
	line := fmt.Sprintf("%s%9.1f ms  %s\n", Prefix, float64(d.Microseconds())/1e3, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	io.WriteString(s.w, line)
}

// Line is one parsed trace line.
type Line struct {
	Name     string
	Duration time.Duration
}

// Parse reads the trace lines out of a command's stderr, in order; other
// lines are skipped.
func Parse(stderr string) []Line {
	var lines []Line
	for _, l := range strings.Split(stderr, "\n") {
		rest, ok := strings.CutPrefix(l, Prefix)
		if !ok {
			continue
		}
		ms, name, ok := strings.Cut(strings.TrimLeft(rest, " "), " ms  ")
		if !ok {
			continue
		}
		var v float64
		if _, err := fmt.Sscanf(ms, "%g", &v); err != nil || name == "" {
			continue
		}
		lines = append(lines, Line{Name: name, Duration: time.Duration(v * float64(time.Millisecond))})
	}
	return lines
}
