package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
)

func TestPhasesOf(t *testing.T) {
	l := &labs.Lab{ID: "t",
		Services:   map[string]*labs.Service{"web": {Kind: labs.KindNginx}, "db": {Kind: labs.KindPostgres}},
		Submission: []*labs.SubmissionFile{{File: "site.conf", Service: "web"}},
		Checks:     []*labs.CheckDef{{Name: "a"}, {Name: "b"}},
	}
	rows := phaseRows(l)
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	lines := phase.Parse(strings.Join([]string{
		"starting t for this check …",
		"lab trace:      70.0 ms  start network",
		"lab trace:      30.0 ms  start network",
		"lab trace:     200.0 ms  start web",
		"lab trace:     300.0 ms  start db",
		"lab trace:     400.0 ms  start",
		"lab trace:      50.0 ms  seed",
		"lab trace:       8.0 ms  start web", // a reset that recreates the container
		"lab trace:      10.0 ms  reset web",
		"lab trace:      20.0 ms  apply site.conf",
		"lab trace:       5.0 ms  check a",
		"lab trace:      15.0 ms  check b",
		"lab trace:       1.0 ms  end run",
		"lab trace:      60.0 ms  check",
		"lab trace:     100.0 ms  remove containers",
		"lab trace:      40.0 ms  remove networks",
		"lab trace:     140.0 ms  close",
		"lab trace:     700.0 ms  total",
	}, "\n"))
	tr := traced{wall: ms(750), lines: lines}
	want := map[string]float64{
		"phases of lab check t": 750,
		"  start":               400,
		"    start network":     100, // both networks
		"    start db":          300,
		"    start web":         200, // the lab's start only
		"  seed":                50,
		"  attach":              0,
		"  check":               60,
		"    reset db":          0, // not in this run: 0
		"    reset web":         10,
		"    apply site.conf":   20,
		"    2 checks":          20,
		"    slowest check":     15,
		"    end run":           1,
		"  close":               140,
		"    remove containers": 100,
		"    remove networks":   40,
		"  rest of the process": 100, // 750 − 400 − 50 − 60 − 140
	}
	for _, cold := range []bool{true, false} {
		vals := phasesOf(rows, tr, cold)
		if len(vals) != len(rows) {
			t.Fatalf("%d values for %d rows", len(vals), len(rows))
		}
		seen := map[string]bool{}
		for i, r := range rows {
			seen[r.op] = true
			w, ok := want[r.op]
			if !ok {
				t.Errorf("unexpected row %q", r.op)
				continue
			}
			if r.op == "  attach" && cold {
				if !math.IsNaN(vals[i]) {
					t.Errorf("cold attach = %v, want not measured", vals[i])
				}
				continue
			}
			if got := vals[i] * 1e3; math.Abs(got-w) > 1e-6 {
				t.Errorf("cold=%v %q = %v ms, want %v", cold, r.op, got, w)
			}
		}
		for op := range want {
			if !seen[op] {
				t.Errorf("no row %q", op)
			}
		}
	}
	for _, r := range rows {
		coldOnly := strings.Contains(r.op, "start") || strings.Contains(r.op, "seed") || strings.Contains(r.op, "close") || strings.Contains(r.op, "remove")
		if r.noRef != coldOnly {
			t.Errorf("%q: noRef = %v, want %v (a warm check starts, seeds and removes nothing)", r.op, r.noRef, coldOnly)
		}
	}
}

func TestTracedValuesNeedsATrace(t *testing.T) {
	_, err := tracedValues(phaseRows(&labs.Lab{ID: "t"}), labRun{stderr: "starting t …\n"}, true)
	if err == nil || !strings.Contains(err.Error(), "printed no phases") {
		t.Errorf("error %v, want one saying that the run printed no phases", err)
	}
}
