package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// warmCheck measures `lab check` and `lab reset` in a workspace whose
// services run (`lab start` once, in setup), against the floor of the same
// work on the same Postgres server, over pgx:
//   - check: CREATE DATABASE … TEMPLATE of a copy of the lab's seeded
//     database, a connection to the copy, the expected query;
//   - reset: DROP + CREATE DATABASE … TEMPLATE on an open connection.
//
// The floor's template is seeded by the bench from the lab's fixtures, so
// that it depends on no naming inside runner; the copies are dropped
// between runs, unmeasured.
func warmCheck() benchmark {
	var (
		ws    string
		floor *pgFloor
	)
	return benchmark{
		name: "check-warm",
		rows: []row{
			{op: "warm lab check " + labLab, unit: unitSeconds,
				note: "target ≤ 150 ms; floor: CREATE DATABASE … TEMPLATE + connect + expected query over pgx"},
			{op: "lab reset " + labLab, unit: unitSeconds,
				note: "floor: DROP + CREATE DATABASE … TEMPLATE on an open pgx connection (one database; the lab has two: main + hidden variant)"},
		},
		scale: 2,
		setup: func(ctx context.Context, e *env) (func(), error) {
			dir, err := os.MkdirTemp("", "lab-bench-warm-")
			if err != nil {
				return nil, err
			}
			ws = filepath.Join(dir, "ws")
			var teardownFloor func()
			teardown := func() {
				if teardownFloor != nil {
					teardownFloor()
				}
				stopWorkspace(e, ws)
				os.RemoveAll(dir)
			}
			hostPort, err := startWorkspace(ctx, e, ws)
			if err != nil {
				return teardown, err
			}
			task, err := loadTask(labLab)
			if err != nil {
				return teardown, err
			}
			floor, err = newPGFloor(ctx, hostPort, task)
			if floor != nil {
				teardownFloor = floor.close
			}
			return teardown, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			check, err := runLab(ctx, e, labOptions{}, "check", "-C", ws)
			if err != nil {
				return nil, err
			}
			reset, err := runLab(ctx, e, labOptions{}, "reset", "-C", ws)
			if err != nil {
				return nil, err
			}
			return []float64{check.wall.Seconds(), reset.wall.Seconds()}, nil
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			check, err := floor.check(ctx)
			if err != nil {
				return nil, err
			}
			reset, err := floor.reset(ctx)
			if err != nil {
				return nil, err
			}
			return []float64{check.Seconds(), reset.Seconds()}, nil
		},
	}
}

// startWorkspace runs `lab start` of the bench's lab into dir, adds the
// reference solution, and returns where the lab's postgres service is
// published. The caller must call stopWorkspace, also on error.
func startWorkspace(ctx context.Context, e *env, dir string) (hostPort string, err error) {
	sess, err := startLabWorkspace(ctx, e, labLab, dir)
	if err != nil {
		return "", err
	}
	for _, svc := range sess.Services() {
		if svc.Kind == labs.KindPostgres {
			return svc.HostPort, nil
		}
	}
	return "", fmt.Errorf("session %s of %s has no postgres service", sess.ID, labLab)
}

// startLabWorkspace runs `lab start` of lab into dir, adds the reference
// solution, and returns the running session. The caller must call
// stopWorkspace, also on error.
func startLabWorkspace(ctx context.Context, e *env, lab, dir string) (*engine.Session, error) {
	r, err := execLab(ctx, e, labOptions{timeout: 2 * time.Minute}, "start", lab, dir)
	if r.pid != 0 {
		e.own(engine.LabelPID+"="+strconv.Itoa(r.pid), engine.LabelHost+"="+hostname())
	}
	if err != nil {
		return nil, err
	}
	w, err := workspace.Open(dir)
	if err != nil {
		return nil, err
	}
	e.own(engine.LabelSession + "=" + w.State.Session)
	if err := copySolution(dir, lab); err != nil {
		return nil, err
	}
	return e.d.FindSession(ctx, w.State.Session)
}

// stopWorkspace runs `lab stop` in dir and removes what it would have
// left of the session, saying so. It runs after Ctrl-C too.
func stopWorkspace(e *env, dir string) {
	w, err := workspace.Open(dir)
	if err != nil || w.State.Session == "" {
		return // never started
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := execLab(ctx, e, labOptions{}, "stop", "-C", dir); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
	if n, err := e.removeLeftovers(engine.LabelSession + "=" + w.State.Session); err != nil || n > 0 {
		fmt.Fprintf(os.Stderr, "bench: lab stop left %d objects of session %s (removed now; %v)\n", n, w.State.Session, err)
	}
}

// pgFloor is the floor of warm grading on one Postgres server: a template
// seeded with the lab's fixtures, copies of it made on demand.
type pgFloor struct {
	url  string // superuser, without the database
	su   *pgx.Conn
	task labTask
}

const (
	floorTemplate = "bench_floor_tpl"
	floorCopy     = "bench_floor_copy"
)

func newPGFloor(ctx context.Context, hostPort string, task labTask) (*pgFloor, error) {
	f := &pgFloor{url: fmt.Sprintf("postgres://%s:%s@%s/", runner.PostgresUser, runner.PostgresPassword, hostPort), task: task}
	var err error
	if f.su, err = pgx.Connect(ctx, f.url+runner.PostgresDB); err != nil {
		return nil, fmt.Errorf("connect floor: %w", err)
	}
	for _, q := range []string{
		"DROP DATABASE IF EXISTS " + floorCopy + " WITH (FORCE)",
		"DROP DATABASE IF EXISTS " + floorTemplate + " WITH (FORCE)",
		"CREATE DATABASE " + floorTemplate,
	} {
		if _, err := f.su.Exec(ctx, q); err != nil {
			return f, fmt.Errorf("floor: %s: %w", q, err)
		}
	}
	c, err := pgx.Connect(ctx, f.url+floorTemplate)
	if err != nil {
		return f, err
	}
	defer c.Close(context.WithoutCancel(ctx))
	for _, fx := range task.fixtures {
		if _, err := c.Exec(ctx, fx); err != nil {
			return f, fmt.Errorf("floor fixtures: %w", err)
		}
	}
	if _, err := c.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return f, err
	}
	return f, nil
}

// check measures CREATE DATABASE … TEMPLATE, a connection to the copy and
// the expected query; the copy is dropped before, unmeasured.
func (f *pgFloor) check(ctx context.Context) (time.Duration, error) {
	if _, err := f.su.Exec(ctx, "DROP DATABASE IF EXISTS "+floorCopy+" WITH (FORCE)"); err != nil {
		return 0, err
	}
	t0 := time.Now()
	if _, err := f.su.Exec(ctx, "CREATE DATABASE "+floorCopy+" TEMPLATE "+floorTemplate); err != nil {
		return 0, err
	}
	c, err := pgx.Connect(ctx, f.url+floorCopy)
	if err != nil {
		return 0, err
	}
	rows, err := queryRows(ctx, c, f.task.expected)
	d := time.Since(t0)
	c.Close(context.WithoutCancel(ctx))
	if err == nil && len(rows) == 0 {
		err = errors.New("floor: the expected query returned no rows")
	}
	return d, err
}

// reset measures DROP + CREATE DATABASE … TEMPLATE.
func (f *pgFloor) reset(ctx context.Context) (time.Duration, error) {
	t0 := time.Now()
	for _, q := range []string{
		"DROP DATABASE IF EXISTS " + floorCopy + " WITH (FORCE)",
		"CREATE DATABASE " + floorCopy + " TEMPLATE " + floorTemplate,
	} {
		if _, err := f.su.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	return time.Since(t0), nil
}

func (f *pgFloor) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if f.su == nil {
		return
	}
	for _, db := range []string{floorCopy, floorTemplate} {
		f.su.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
	}
	f.su.Close(ctx)
}
