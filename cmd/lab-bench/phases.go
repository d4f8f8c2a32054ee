package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
)

// phaseLabs are the labs whose `lab check` phases the suite breaks down:
// one of each kind, as the batch rows.
var phaseLabs = batchLabs

// traced is one `lab check` run with LAB_TRACE=1: its wall time as this
// process saw it, and the phases it printed.
type traced struct {
	wall  time.Duration
	lines []phase.Line
}

// sum returns the summed time of the phases whose name match says.
func (t traced) sum(match func(name string) bool) time.Duration {
	var d time.Duration
	for _, l := range t.lines {
		if match(l.Name) {
			d += l.Duration
		}
	}
	return d
}

// startOnly returns the run cut after its "start" phase: the phases
// that Session.Start holds. A start of a service later in the run (a box
// recreated by its reset, inside "check") is not the lab's start.
func (t traced) startOnly() traced {
	for i, l := range t.lines {
		if l.Name == "start" {
			return traced{wall: t.wall, lines: t.lines[:i+1]}
		}
	}
	return traced{wall: t.wall}
}

// longest returns the longest phase whose name match says.
func (t traced) longest(match func(name string) bool) time.Duration {
	var d time.Duration
	for _, l := range t.lines {
		if match(l.Name) {
			d = max(d, l.Duration)
		}
	}
	return d
}

// topPhases are the phases of a lab command that do not nest in one
// another (see internal/phase); what they leave of the wall time is the
// process's own: start-up, engine connection, workspace, report.
var topPhases = []string{"start", "seed", "attach", "check", "close"}

// phaseRow is one row of a breakdown and how a traced run gives its value.
type phaseRow struct {
	row
	// warmOnly rows get no cold sample (a cold check attaches to nothing).
	warmOnly bool
	value    func(t traced) time.Duration
}

// phaseRows are the rows of lab's breakdown: the whole check, then each
// phase with the phases it holds indented below it. Phases that a run
// does not have count 0 (a lone service starts without a network).
func phaseRows(l *labs.Lab) []phaseRow {
	is := func(name string) func(string) bool { return func(n string) bool { return n == name } }
	isCheck := func(n string) bool { return strings.HasPrefix(n, "check ") }
	piece := func(depth int, op, note string, value func(traced) time.Duration) phaseRow {
		return phaseRow{row: row{op: strings.Repeat("  ", depth) + op, unit: unitSeconds, note: note}, value: value}
	}
	phaseOf := func(depth int, name, note string) phaseRow {
		return piece(depth, name, note, func(t traced) time.Duration { return t.sum(is(name)) })
	}
	startOf := func(name, note string) phaseRow {
		return piece(2, name, note, func(t traced) time.Duration { return t.startOnly().sum(is(name)) })
	}
	coldOnly := func(r phaseRow) phaseRow { r.noRef = true; return r }
	services := serviceNames(l)
	rows := []phaseRow{
		piece(0, "phases of lab check "+l.ID, "LAB_TRACE=1 lab check of the reference solution; labrunner column: cold (nothing runs), reference column: warm (after lab start); ≤ 3 runs + warm-up; rows below: medians of each phase, so they need not add up",
			func(t traced) time.Duration { return t.wall }),
		coldOnly(phaseOf(1, "start", "the services at once, networks first")),
		coldOnly(startOf("start network", "the session's networks (0, 1, or 2 where learners' code runs)")),
	}
	for _, s := range services {
		rows = append(rows, coldOnly(startOf("start "+s, "create + start + readiness probe of "+l.Services[s].Kind)))
	}
	rows = append(rows, coldOnly(phaseOf(1, "seed", "fixtures, templates, reference copies")))
	attach := phaseOf(1, "attach", "find the running session")
	attach.warmOnly = true
	rows = append(rows, attach, phaseOf(1, "check", "what LabEnv.Check does"))
	for _, s := range services {
		rows = append(rows, phaseOf(2, "reset "+s, "back to the seeded state before the submission is applied"))
	}
	for _, f := range l.Submission {
		rows = append(rows, phaseOf(2, "apply "+f.File, "to service "+f.Service))
	}
	rows = append(rows,
		piece(2, fmt.Sprintf("%d checks", len(l.Checks)), "summed; `LAB_TRACE=1 lab check` shows each", func(t traced) time.Duration { return t.sum(isCheck) }),
		piece(2, "slowest check", "", func(t traced) time.Duration { return t.longest(isCheck) }),
		phaseOf(2, "end run", "the services' runs closed"),
		coldOnly(phaseOf(1, "close", "")),
		coldOnly(phaseOf(2, "remove containers", "force-remove, in parallel")),
		coldOnly(phaseOf(2, "remove networks", "")),
		piece(1, "rest of the process", "wall − the phases above: process start, engine connection, workspace, report, progress",
			func(t traced) time.Duration {
				d := t.wall
				for _, p := range topPhases {
					d -= t.sum(is(p))
				}
				return d
			}),
	)
	return rows
}

// serviceNames returns the lab's services, sorted.
func serviceNames(l *labs.Lab) []string { return slices.Sorted(maps.Keys(l.Services)) }

// phasesOf turns a traced run into the values of rows; cold runs leave
// the warm-only rows unmeasured.
func phasesOf(rows []phaseRow, t traced, cold bool) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		if cold && r.warmOnly {
			out[i] = notMeasured
			continue
		}
		out[i] = r.value(t).Seconds()
	}
	return out
}

// checkPhases breaks down `lab check` of lab, cold and warm, from the
// phases the lab process itself times (LAB_TRACE=1): where the time of
// each kind of lab goes. The cold side runs in a fresh workspace, as
// coldCheckLab; the warm side in a workspace started once, as
// warmCheckLab. There is no reference: the floors are in those rows.
func checkPhases(lab string) benchmark {
	var (
		coldWS, warmWS string
		rows           []phaseRow
		session        string
		warned         bool
	)
	l, loadErr := loadLab(os.DirFS("labs"), lab)
	if loadErr == nil {
		rows = phaseRows(l)
	}
	var bench []row
	for _, r := range rows {
		bench = append(bench, r.row)
	}
	if loadErr != nil {
		bench = []row{{op: "phases of lab check " + lab, unit: unitSeconds}}
	}
	traceEnv := append(os.Environ(), "LAB_TRACE=1")
	return benchmark{
		name:    "phases-" + lab,
		rows:    bench,
		maxRuns: 3,
		setup: func(ctx context.Context, e *env) (func(), error) {
			if loadErr != nil {
				return nil, loadErr
			}
			dir, err := os.MkdirTemp("", "lab-bench-phases-")
			if err != nil {
				return nil, err
			}
			coldWS, warmWS = filepath.Join(dir, "cold"), filepath.Join(dir, "warm")
			teardown := func() {
				stopWorkspace(e, warmWS)
				os.RemoveAll(dir)
			}
			sess, err := startLabWorkspace(ctx, e, lab, warmWS)
			if sess != nil {
				session = sess.ID
			}
			return teardown, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			if err := newWorkspace(coldWS, lab); err != nil {
				return nil, err
			}
			r, err := runLab(ctx, e, labOptions{timeout: 2 * time.Minute, env: traceEnv}, "check", "-C", coldWS)
			if err != nil {
				return nil, err
			}
			return tracedValues(rows, r, true)
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			r, err := execLab(ctx, e, labOptions{env: traceEnv}, "check", "-C", warmWS)
			if r.pid != 0 {
				err = errors.Join(err, warmLeftovers(e, lab, session, r.pid, &warned))
			}
			if err != nil {
				return nil, err
			}
			return tracedValues(rows, r, false)
		},
	}
}

// tracedValues reads the phases out of a traced run's stderr; a run that
// printed none was not traced, and is an error rather than a row of
// zeros.
func tracedValues(rows []phaseRow, r labRun, cold bool) ([]float64, error) {
	t := traced{wall: r.wall, lines: phase.Parse(r.stderr)}
	if len(t.lines) == 0 {
		return nil, fmt.Errorf("lab check printed no phases with LAB_TRACE=1: %s", lastLines(r.stderr, 3))
	}
	return phasesOf(rows, t, cold), nil
}
