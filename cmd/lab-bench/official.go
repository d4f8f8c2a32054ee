package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/api/types/container"
	mnet "github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// officialEntrypoint is the official postgres image's first start, for the
// offline image (see the script).
//
//go:embed official-entrypoint.sh
var officialEntrypoint string

// labTask is what a reference needs to grade a lab the plain way: the
// fixtures of its postgres service, the learner's query, and the query
// whose result it must equal.
type labTask struct {
	fixtures []string
	solution string
	expected string
}

// loadTask reads lab from the catalog in labs/ with the loader the CLI
// uses: its database fixtures, its reference solution, and the expected
// query of its sql.result check.
func loadTask(lab string) (labTask, error) {
	fsys := os.DirFS("labs")
	l, err := loadLab(fsys, lab)
	if err != nil {
		return labTask{}, err
	}
	var t labTask
	for _, svc := range l.Services {
		if svc.Kind != string(labs.KindPostgres) {
			continue
		}
		for _, f := range svc.Fixtures {
			b, err := fs.ReadFile(fsys, lab+"/"+f)
			if err != nil {
				return labTask{}, err
			}
			t.fixtures = append(t.fixtures, string(b))
		}
	}
	for _, c := range l.Checks {
		if r, ok := c.Check.(*checks.SQLResult); ok && r.ExpectedQuery != "" {
			t.expected = r.ExpectedQuery
		}
	}
	sol, err := fs.ReadFile(fsys, lab+"/solution/solution.sql")
	if err != nil {
		return labTask{}, err
	}
	t.solution = string(sol)
	if len(t.fixtures) == 0 || t.expected == "" {
		return labTask{}, fmt.Errorf("lab %s: no postgres fixtures or no sql.result expected_query", lab)
	}
	return t, nil
}

// gradePlain grades the reference solution on a fresh server the plain
// way: one connection, the fixtures, the learner's query and the expected
// one, their rows compared.
func (t labTask) gradePlain(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, f := range t.fixtures {
		if _, err := conn.Exec(ctx, f); err != nil {
			return fmt.Errorf("load fixtures: %w", err)
		}
	}
	got, err := queryRows(ctx, conn, t.solution)
	if err != nil {
		return err
	}
	want, err := queryRows(ctx, conn, t.expected)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(got, want) {
		return errors.New("the reference solution does not match the expected query")
	}
	return nil
}

func queryRows(ctx context.Context, conn *pgx.Conn, q string) ([][]any, error) {
	rows, err := conn.Query(ctx, strings.TrimRight(strings.TrimSpace(q), ";"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// officialCheck is the cold check done the straightforward way, with
// testcontainers-go as its postgres module configures it: POSTGRES_USER,
// _PASSWORD and _DB, port 5432, command `postgres -c fsync=off`, readiness
// = the log line "database system is ready to accept connections" seen
// twice (the official image prints it once for its temporary init server
// and once for the real one), polled every 100 ms (ForLog's default). The
// data directory is empty, so initdb runs at start, as on a first start of
// the official image; then the fixtures are loaded and the solution is
// compared with the expected query over pgx, and the container is
// terminated the testcontainers way: docker stop with the default 10 s
// grace period, then remove. The only departures from a stock
// `postgres.Run(ctx, "postgres:16-alpine", …)`: the offline image with the
// official entrypoint's first-start steps, the port published on loopback,
// and labrunner's labels so that the run's sweep finds the container.
func officialCheck(ctx context.Context, e *env, t labTask) ([]float64, error) {
	session := e.nextSession()
	defer e.sweepSession(session)
	t0 := time.Now()
	ctr, err := testcontainers.Run(ctx, e.cfg.Image(labs.KindPostgres),
		testcontainers.WithEnv(map[string]string{
			"POSTGRES_USER":     "postgres",
			"POSTGRES_PASSWORD": "postgres",
			"POSTGRES_DB":       "postgres",
			// An empty data directory: initdb at start, no pre-initialised
			// fast path.
			"PGDATA": "/tmp/pgdata",
		}),
		testcontainers.WithExposedPorts("5432/tcp"),
		testcontainers.WithCmd("postgres", "-c", "fsync=off"),
		testcontainers.WithFiles(testcontainers.ContainerFile{
			Reader:            strings.NewReader(officialEntrypoint),
			ContainerFilePath: "/usr/local/bin/official-entrypoint.sh",
			FileMode:          0o755,
		}),
		testcontainers.WithEntrypoint("/usr/local/bin/official-entrypoint.sh"),
		testcontainers.WithLabels(e.labels(session, labs.KindPostgres)),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.PortBindings = mnet.PortMap{
				mnet.MustParsePort("5432/tcp"): {{HostIP: netip.MustParseAddr("127.0.0.1")}},
			}
		}),
		testcontainers.WithWaitStrategy(
			wait.ForLog("database system is ready to accept connections").
				WithOccurrence(2).
				WithStartupTimeout(60*time.Second)),
	)
	if err != nil {
		if ctr != nil {
			err = errors.Join(err, ctr.Terminate(context.WithoutCancel(ctx)))
		}
		return nil, fmt.Errorf("run postgres: %w", err)
	}
	host, err := ctr.Host(ctx)
	if err == nil {
		var port string
		if p, perr := ctr.MappedPort(ctx, "5432/tcp"); perr != nil {
			err = perr
		} else {
			port = p.Port()
			err = t.gradePlain(ctx, fmt.Sprintf("postgres://postgres:postgres@%s:%s/postgres?sslmode=disable", host, port))
		}
	}
	if terr := ctr.Terminate(context.WithoutCancel(ctx)); terr != nil {
		err = errors.Join(err, fmt.Errorf("terminate: %w", terr))
	}
	if err != nil {
		return nil, err
	}
	return []float64{time.Since(t0).Seconds()}, nil
}
