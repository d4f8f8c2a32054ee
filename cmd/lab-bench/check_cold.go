package main

import (
	"context"
	"os"
	"time"

	"github.com/labrunner/labrunner/labs"
)

// coldCheck measures `lab check` of a workspace whose services do not run:
// the real binary starts them, seeds, grades the reference solution and
// removes everything. References, measured in the same runs:
//   - the straightforward way (officialCheck): testcontainers-go's postgres
//     module setup on a first-start official image, fixtures, the query,
//     Terminate;
//   - the floor (DESIGN.md): `docker run -d` of the pre-initialised image
//     with labrunner's command, the readiness probe (SELECT 1), and
//     `docker rm -fv`, all through the docker CLI.
//
// Both rows share labrunner's samples. Each run costs seconds, so the
// number of runs is capped.
func coldCheck() benchmark {
	var (
		ws    string
		task  labTask
		floor refConfig
	)
	return benchmark{
		name: "check-cold",
		rows: []row{
			{op: "cold lab check " + labLab, unit: unitSeconds,
				note: "≤ 3 runs + warm-up; vs testcontainers postgres-module way: initdb at start, ForLog ×2, fixtures + query over pgx, Terminate (stop, 10 s grace, + rm); target ratio ≤ 0.2× (5× faster)"},
			{op: "cold lab check " + labLab + " (floor)", unit: unitSeconds,
				note: "same samples vs floor: docker run pre-initialised + SELECT 1 probe + docker rm -fv; target ratio ≤ 1.5×"},
		},
		maxRuns: 3,
		setup: func(ctx context.Context, e *env) (func(), error) {
			dir, err := os.MkdirTemp("", "lab-bench-cold-")
			if err != nil {
				return nil, err
			}
			ws = dir
			teardown := func() { os.RemoveAll(dir) }
			if task, err = loadTask(labLab); err != nil {
				return teardown, err
			}
			floor, err = learnConfig(ctx, e, labs.KindPostgres)
			return teardown, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			// A fresh state each run: nothing says a session runs.
			if err := newWorkspace(ws, labLab); err != nil {
				return nil, err
			}
			r, err := runLab(ctx, e, labOptions{timeout: 2 * time.Minute}, "check", "-C", ws)
			if err != nil {
				return nil, err
			}
			return []float64{r.wall.Seconds(), r.wall.Seconds()}, nil
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			tc, err := officialCheck(ctx, e, task)
			if err != nil {
				return nil, err
			}
			fl, err := dockerLifecycle(ctx, e, labs.KindPostgres, floor)
			if err != nil {
				return nil, err
			}
			return []float64{tc[0], fl[0] + fl[1]}, nil
		},
	}
}
