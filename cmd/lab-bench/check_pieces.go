package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// checkPieces times the steps a cold and a warm `lab check` are made of,
// in this process through runner's exported API (the calls cmd/lab/cli
// makes), so that the rows above can be explained: what the lab process
// adds is the difference between `lab check` and these.
//
//	cold: StartLab (network, container, probe, seed) → Check → Close
//	warm: AttachLab → Check; and Reset alone, and one pgx connection
//
// There is no reference: the floors are in the rows above.
func checkPieces() benchmark {
	var (
		lab  *labs.Lab
		fsys = os.DirFS("labs")
		sub  runner.Submission
	)
	piece := func(op, note string) row { return row{op: "  " + op, unit: unitSeconds, note: note} }
	return benchmark{
		name: "check-pieces",
		rows: []row{
			piece("StartLab "+labLab, "in-process: network + postgres container + probe + seed (2 data sets)"),
			piece("  of which seed", "StartLab − Session.Start of a bare postgres service in the same run (network + container + probe)"),
			piece("Check, cold", "in-process: first Check after StartLab"),
			piece("Close", "in-process: force-remove container + network"),
			piece("AttachLab", "in-process: find the running session (list + inspect)"),
			piece("Check, warm", "in-process: Check on an attached lab"),
			piece("Reset", "in-process: back to the seeded state (what `lab reset` does)"),
			piece("pgx connect + SELECT 1", "one superuser connection to the lab's server"),
			piece("network create", "engine API: the bridge network a session gets"),
			piece("network remove", "engine API"),
		},
		maxRuns: 3, // each run starts and removes a lab: seconds
		setup: func(ctx context.Context, e *env) (func(), error) {
			var err error
			if lab, err = loadLab(fsys, labLab); err != nil {
				return nil, err
			}
			sol, err := os.ReadFile(filepath.Join("labs", labLab, "solution", "solution.sql"))
			sub = runner.Submission{"solution.sql": string(sol)}
			return nil, err
		},
		labrunner: func(ctx context.Context, e *env) (_ []float64, err error) {
			var d []time.Duration
			lap := func(t0 time.Time) { d = append(d, time.Since(t0)) }

			t0 := time.Now()
			env, err := e.d.StartLab(ctx, lab)
			if err != nil {
				return nil, err // StartLab removes what it started
			}
			lap(t0)
			session := env.Session.ID
			e.own(engine.LabelSession + "=" + session)
			closed := false
			defer func() {
				if !closed {
					err = errors.Join(err, env.Close(ctx))
				}
				if n, lerr := e.removeLeftovers(engine.LabelSession + "=" + session); lerr != nil || n > 0 {
					err = errors.Join(err, fmt.Errorf("Close left %d objects of session %s (removed now): %v", n, session, lerr))
				}
			}()

			t0 = time.Now()
			if err := passed(env.Check(ctx, sub, runner.CheckOptions{Name: "cold"})); err != nil {
				return nil, err
			}
			lap(t0)

			t0 = time.Now()
			warm, err := e.d.AttachLab(ctx, lab, session)
			if err != nil {
				return nil, err
			}
			attach := time.Since(t0)
			t0 = time.Now()
			if err := passed(warm.Check(ctx, sub, runner.CheckOptions{Name: "warm"})); err != nil {
				return nil, err
			}
			check := time.Since(t0)
			t0 = time.Now()
			if err := warm.Reset(ctx); err != nil {
				return nil, err
			}
			reset := time.Since(t0)
			t0 = time.Now()
			if err := pingPostgres(ctx, env.Session); err != nil {
				return nil, err
			}
			connect := time.Since(t0)

			t0 = time.Now()
			closed = true
			if err := env.Close(ctx); err != nil {
				return nil, err
			}
			lap(t0)
			create, remove, err := networkLifecycle(ctx, e)
			if err != nil {
				return nil, err
			}
			bare, err := bareStart(ctx, e)
			if err != nil {
				return nil, err
			}
			d = append(d, attach, check, reset, connect, create, remove)
			d = slices.Insert(d, 1, d[0]-bare)
			out := make([]float64, len(d))
			for i, x := range d {
				out[i] = x.Seconds()
			}
			return out, nil
		},
	}
}

// passed turns a report that did not pass into an error: the pieces are
// only comparable when the reference solution passes.
func passed(rep *checks.Report, err error) error {
	if err != nil {
		return err
	}
	if rep.Status != checks.Pass {
		return fmt.Errorf("the reference solution got %s (%d/%d): %s", rep.Status, rep.Score, rep.MaxScore, rep.Message)
	}
	return nil
}

// bareStart starts one postgres service in a session of its own, as
// StartLab does before it seeds, and returns how long Start took.
func bareStart(ctx context.Context, e *env) (time.Duration, error) {
	sess := e.d.NewSession(e.runID)
	sess.ID = e.nextSession()
	defer e.sweepSession(sess.ID)
	t0 := time.Now()
	err := sess.Start(ctx, e.spec("db", labs.KindPostgres))
	d := time.Since(t0)
	return d, errors.Join(err, sess.Close(ctx))
}

// networkLifecycle creates and removes a bridge network as a session does,
// labelled as the run's, and returns how long each took.
func networkLifecycle(ctx context.Context, e *env) (create, remove time.Duration, err error) {
	session := e.nextSession()
	defer e.sweepSession(session)
	labels := e.labels(session, "network")
	delete(labels, engine.LabelKind)
	delete(labels, engine.LabelService)
	cli := e.d.Client()
	t0 := time.Now()
	n, err := cli.NetworkCreate(ctx, "labrunner-"+session, client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
	if err != nil {
		return 0, 0, err
	}
	create = time.Since(t0)
	t0 = time.Now()
	if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
		return 0, 0, err
	}
	return create, time.Since(t0), nil
}

// pingPostgres opens one superuser connection to the session's postgres
// service and runs SELECT 1.
func pingPostgres(ctx context.Context, s *engine.Session) error {
	for _, svc := range s.Services() {
		if svc.Kind != labs.KindPostgres {
			continue
		}
		c, err := pgx.Connect(ctx, runner.URL(svc))
		if err != nil {
			return err
		}
		defer c.Close(context.WithoutCancel(ctx))
		var one int
		return c.QueryRow(ctx, "SELECT 1").Scan(&one)
	}
	return errors.New("no postgres service")
}
