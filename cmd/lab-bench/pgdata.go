package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/labrunner/labrunner/labs"
)

// pgdataTmpfs is a what-if, not labrunner against a reference: the
// postgres container as runner ran it before ce4ddb6 (the pre-initialised
// data directory lives in the image, so every file Postgres writes goes
// through overlay2) against the same container whose data directory is
// copied to a tmpfs at start, which is what runner does since. CREATE DATABASE, which seeding, reset and every batch
// slot are made of, is where the difference shows; start and removal say
// what the copy costs. Both run through the docker CLI with runner's
// command and environment (learnConfig).
func pgdataTmpfs() benchmark {
	var (
		cfg  refConfig
		task labTask
	)
	what := func(op string) string { return "what-if: " + op }
	return benchmark{
		name: "pgdata",
		rows: []row{
			{op: what("start→ready postgres"), unit: unitSeconds,
				note: "labrunner column: PGDATA in the image layer (overlay2), as runner ran it before ce4ddb6; reference column: PGDATA copied to a tmpfs by the entrypoint (runner since)"},
			{op: what("seed a template from fixtures"), unit: unitSeconds,
				note: "CREATE DATABASE (from template1) + the lab's fixtures + VACUUM ANALYZE, on a fresh server"},
			{op: what("DROP + CREATE DATABASE … TEMPLATE"), unit: unitSeconds,
				note: "median of 3 per run, after the first (server default strategy)"},
			{op: what("remove postgres"), unit: unitSeconds, note: "docker rm -fv"},
		},
		maxRuns: 3,
		setup: func(ctx context.Context, e *env) (func(), error) {
			var err error
			if task, err = loadTask(labLab); err != nil {
				return nil, err
			}
			cfg, err = learnConfig(ctx, e, labs.KindPostgres)
			return nil, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) { return pgdataRun(ctx, e, cfg, task, false) },
		reference: func(ctx context.Context, e *env) ([]float64, error) { return pgdataRun(ctx, e, cfg, task, true) },
	}
}

func pgdataRun(ctx context.Context, e *env, cfg refConfig, task labTask, tmpfs bool) ([]float64, error) {
	session := e.nextSession()
	defer e.sweepSession(session)
	args := []string{"run", "-d", "--name", "labrunner-" + session + "-pgdata"}
	labels := e.labels(session, labs.KindPostgres)
	for _, key := range slices.Sorted(maps.Keys(labels)) {
		args = append(args, "--label", key+"="+labels[key])
	}
	args = append(args, "-p", "127.0.0.1::"+strings.TrimSuffix(cfg.port, "/tcp"))
	for _, kv := range cfg.env {
		// runner's PGDATA points at its tmpfs mount, which is not here:
		// the image's own data directory is the overlay2 side.
		if !strings.HasPrefix(kv, "PGDATA=") {
			args = append(args, "-e", kv)
		}
	}
	cmd := cfg.cmd
	if tmpfs {
		// The image's entrypoint then runs as usual on the copy; cp -a as
		// root keeps the files' owner.
		const from, to = "/var/lib/postgresql/data", "/run/pgdata"
		args = append(args, "--tmpfs", to+":rw,size=1g", "-e", "PGDATA="+to, "--entrypoint", "sh")
		cmd = append([]string{"-c", `cp -a "$0"/. "$PGDATA"/ && exec docker-entrypoint.sh "$@"`, from}, cmd...)
	}
	args = append(args, cfg.image)
	args = append(args, cmd...)

	t0 := time.Now()
	id, err := docker(args...)
	if err != nil {
		return nil, err
	}
	cli := e.d.Client()
	t := probeTarget{containerID: id, d: e.d}
	if t.hostPort, err = publishedPort(ctx, cli, id, cfg.port); err != nil {
		return nil, err
	}
	if err := waitReady(ctx, kindProbe(labs.KindPostgres), t); err != nil {
		return nil, err
	}
	start := time.Since(t0)

	t0 = time.Now()
	floor, err := newPGFloor(ctx, t.hostPort, task)
	seed := time.Since(t0)
	if err != nil {
		if floor != nil {
			floor.close()
		}
		return nil, err
	}
	var creates []float64
	for range 4 {
		d, err := floor.reset(ctx)
		if err != nil {
			floor.close()
			return nil, err
		}
		creates = append(creates, d.Seconds())
	}
	floor.close()

	t0 = time.Now()
	if _, err := docker("rm", "-fv", id); err != nil {
		return nil, err
	}
	remove := time.Since(t0)
	return []float64{start.Seconds(), seed.Seconds(), summarize(creates[1:]).Median, remove.Seconds()}, nil
}
