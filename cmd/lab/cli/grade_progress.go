package cli

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// Piped progress of a batch: a line at each tenth of the class and at
// least every pipedEvery, for batches of pipedMin submissions or more (a
// smaller one is over before a line would help; its summary says it all).
const (
	pipedEvery = 10 * time.Second
	pipedMin   = 10
)

// gradeProgress follows a batch on standard error: on a terminal, one
// line redrawn in place,
//
//	[=========>          ] 12/40 · 2.5/s · ETA 11s · 20 reused, 10 graded, 2 errors
//
// and when piped (a CI log) a line now and then:
//
//	progress: 12/40 (30%) · 2.5/s · ETA 11s · 20 reused, 10 graded, 2 errors
//
// The rate and ETA count the submissions graded in this run (a reused
// result costs nothing); they are left out until one is. Methods are safe
// from several goroutines.
type gradeProgress struct {
	io    *IOStreams
	now   func() time.Time
	total int

	mu                     sync.Mutex
	start, last            time.Time
	reused, graded, errors int
	decile                 int
	stop                   chan struct{}
	wg                     sync.WaitGroup
}

// newGradeProgress starts following a batch of total submissions of which
// reused are already done. On a pipe it prints a line every pipedEvery
// until finish.
func newGradeProgress(io *IOStreams, total, reused int, now func() time.Time) *gradeProgress {
	p := &gradeProgress{io: io, now: now, total: total, reused: reused, start: now()}
	p.last = p.start
	p.decile = p.done() * 10 / max(total, 1)
	if io.ErrTTY {
		p.draw()
	} else if p.piped() {
		p.stop = make(chan struct{})
		p.wg.Go(func() {
			t := time.NewTicker(pipedEvery)
			defer t.Stop()
			for {
				select {
				case <-p.stop:
					return
				case <-t.C:
					p.tick()
				}
			}
		})
	}
	return p
}

func (p *gradeProgress) piped() bool { return !p.io.ErrTTY && p.total >= pipedMin }

func (p *gradeProgress) done() int { return p.reused + p.graded + p.errors }

// add counts one graded submission: an error when rep is one (the
// environment failed it), else graded.
func (p *gradeProgress) add(rep *checks.Report) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rep.Status == checks.Error {
		p.errors++
	} else {
		p.graded++
	}
	switch {
	case p.io.ErrTTY:
		p.draw()
	case p.piped():
		if d := p.done() * 10 / p.total; d > p.decile || p.now().Sub(p.last) >= pipedEvery {
			p.decile = d
			p.line()
		}
	}
}

// tick prints a piped line when none was printed for pipedEvery.
func (p *gradeProgress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.now().Sub(p.last) >= pipedEvery && p.done() < p.total {
		p.line()
	}
}

func (p *gradeProgress) line() {
	p.last = p.now()
	fmt.Fprintf(p.io.ErrOut, "progress: %d/%d (%d%%)%s\n", p.done(), p.total, p.done()*100/p.total, p.stats())
}

func (p *gradeProgress) draw() {
	if p.total == 0 {
		return
	}
	const width = 20
	n := p.done() * width / p.total
	bar := strings.Repeat("=", n)
	if n < width {
		bar += ">" + strings.Repeat(" ", width-n-1)
	}
	s := fmt.Sprintf("[%s] %d/%d%s", bar, p.done(), p.total, p.stats())
	if w := p.io.Width; w > 0 && len([]rune(s)) >= w {
		s = string([]rune(s)[:w-1])
	}
	fmt.Fprintf(p.io.ErrOut, "\r%s\033[K", s)
}

// stats is " · 2.5/s · ETA 11s · 20 reused, 10 graded, 2 errors".
func (p *gradeProgress) stats() string {
	var b strings.Builder
	work := p.graded + p.errors
	if el := p.now().Sub(p.start); work > 0 && el > 0 {
		rate := float64(work) / el.Seconds()
		fmt.Fprintf(&b, " · %.1f/s", rate)
		if left := p.total - p.done(); left > 0 {
			eta := time.Duration(float64(left) / rate * float64(time.Second))
			fmt.Fprintf(&b, " · ETA %s", shortDuration(eta.Round(time.Second)))
		}
	}
	fmt.Fprintf(&b, " · %d reused, %d graded, %s", p.reused, p.graded, plural(p.errors, "error"))
	return b.String()
}

// finish stops the piped lines and clears the terminal's line.
func (p *gradeProgress) finish() {
	if p.stop != nil {
		close(p.stop)
		p.wg.Wait()
		p.stop = nil
	}
	if p.io.ErrTTY && p.total > 0 {
		fmt.Fprint(p.io.ErrOut, "\r\033[K")
	}
}

// errorCount is how many submissions this run could not grade.
func (p *gradeProgress) errorCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errors
}

// summary is the batch's last line: how many submissions were graded,
// reused from the journal, and could not be graded (errors), and the rate
// of this run's grading.
func (p *gradeProgress) summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	el := p.now().Sub(p.start)
	s := fmt.Sprintf("%s: %d graded, %d reused, %s", plural(p.total, "submission"), p.graded, p.reused, plural(p.errors, "error"))
	if work := p.graded + p.errors; work > 0 {
		s += fmt.Sprintf(", in %s (%.1f/s)", el.Round(time.Millisecond), float64(work)/el.Seconds())
	}
	return s
}
