package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// manualClock is a clock a test moves by hand.
type manualClock struct{ t time.Time }

func (c *manualClock) now() time.Time      { return c.t }
func (c *manualClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newManualClock() *manualClock {
	return &manualClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}
func statusReport(st checks.Status) *checks.Report { return &checks.Report{Status: st} }

func Test_gradeProgress(t *testing.T) {
	// step is one event: time passes, then a submission is graded with
	// status st ("" for none), or the ticker fires (tick).
	type step struct {
		wait time.Duration
		st   checks.Status
		tick bool
	}
	graded := func(n int, wait time.Duration, st checks.Status) []step {
		var s []step
		for range n {
			s = append(s, step{wait: wait, st: st})
		}
		return s
	}
	tests := []struct {
		name          string
		tty           bool
		width         int
		total, reused int
		steps         []step
		want          string
		wantSummary   string
	}{
		{
			name: "terminal: one line redrawn, with rate and ETA once one is graded",
			tty:  true, total: 4, reused: 2,
			steps: []step{{wait: 2 * time.Second, st: checks.Pass}, {wait: 2 * time.Second, st: checks.Error}},
			want: "\r[==========>         ] 2/4 · 2 reused, 0 graded, 0 errors\x1b[K" +
				"\r[===============>    ] 3/4 · 0.5/s · ETA 2s · 2 reused, 1 graded, 0 errors\x1b[K" +
				"\r[====================] 4/4 · 0.5/s · 2 reused, 1 graded, 1 error\x1b[K" +
				"\r\x1b[K",
			wantSummary: "4 submissions: 1 graded, 2 reused, 1 error, in 4s (0.5/s)",
		},
		{
			name: "terminal: cut to its width",
			tty:  true, width: 30, total: 4,
			steps: []step{{wait: time.Second, st: checks.Pass}},
			want: "\r[>                   ] 0/4 · \x1b[K" +
				"\r[=====>              ] 1/4 · \x1b[K" +
				"\r\x1b[K",
			wantSummary: "4 submissions: 1 graded, 0 reused, 0 errors, in 1s (1.0/s)",
		},
		{
			name:  "piped: a line at each tenth",
			total: 20,
			steps: graded(6, time.Second, checks.Fail),
			want: "progress: 2/20 (10%) · 1.0/s · ETA 18s · 0 reused, 2 graded, 0 errors\n" +
				"progress: 4/20 (20%) · 1.0/s · ETA 16s · 0 reused, 4 graded, 0 errors\n" +
				"progress: 6/20 (30%) · 1.0/s · ETA 14s · 0 reused, 6 graded, 0 errors\n",
			wantSummary: "20 submissions: 6 graded, 0 reused, 0 errors, in 6s (1.0/s)",
		},
		{
			name:  "piped: and at least every 10 s, when slow",
			total: 100, reused: 50,
			steps: []step{{wait: 4 * time.Second, tick: true}, {wait: 6 * time.Second, tick: true}, {wait: 5 * time.Second, st: checks.Pass}, {wait: 11 * time.Second, st: checks.Pass}, {wait: 5 * time.Second, tick: true}},
			want: "progress: 50/100 (50%) · 50 reused, 0 graded, 0 errors\n" +
				"progress: 52/100 (52%) · 0.1/s · ETA 10m24s · 50 reused, 2 graded, 0 errors\n",
			wantSummary: "100 submissions: 2 graded, 50 reused, 0 errors, in 31s (0.1/s)",
		},
		{
			name:        "piped: nothing for a small batch",
			total:       9,
			steps:       graded(9, time.Minute, checks.Pass),
			want:        "",
			wantSummary: "9 submissions: 9 graded, 0 reused, 0 errors, in 9m0s (0.0/s)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, errOut := TestStreams()
			io.ErrTTY, io.Width = tt.tty, tt.width
			clock := newManualClock()
			p := newGradeProgress(io, tt.total, tt.reused, clock.now)
			for _, s := range tt.steps {
				clock.add(s.wait)
				if s.tick {
					p.tick()
				} else {
					p.add(statusReport(s.st))
				}
			}
			p.finish()
			if got := errOut.String(); got != tt.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", strings.ReplaceAll(got, "\r", "\\r\n"), strings.ReplaceAll(tt.want, "\r", "\\r\n"))
			}
			if got := p.summary(); got != tt.wantSummary {
				t.Errorf("summary %q, want %q", got, tt.wantSummary)
			}
		})
	}
}
