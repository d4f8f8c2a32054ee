package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/labrunner/labrunner/images"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/api/types/container"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
	"github.com/labrunner/labrunner/runner/pg"
)

// Credentials of every Postgres service: the superuser's (the port is
// published on 127.0.0.1 only) and the learner's, whose role owns only the
// lab database.
const (
	PostgresUser     = pg.User
	PostgresPassword = pg.Password
	PostgresDB       = pg.DB
	LearnerRole      = pg.LearnerRole
	LearnerPassword  = pg.LearnerPassword
)

var postgresKind = kindSpec{
	Contract: engine.Contract{Port: "5432/tcp", Env: postgresEnv, HostConfig: limitPostgres, Cmd: postgresCmd, Probe: postgresProbe,
		Requires: postgresRequires},
	url:      postgresURL,
	image:    images.Postgres,
	newState: newPostgresState,
	networkURL: func(name string, def *labs.Service) (string, string) {
		return "DATABASE_URL", fmt.Sprintf("postgres://%s:%s@%s:5432/%s", LearnerRole, LearnerPassword, name, def.Database)
	},
}

var postgresEnv = map[string]string{
	"POSTGRES_USER":     PostgresUser,
	"POSTGRES_PASSWORD": PostgresPassword,
	"POSTGRES_DB":       PostgresDB,
	// Data in memory (a tmpfs, see limitPostgres): disposable, and
	// CREATE DATABASE … TEMPLATE is several times faster than on
	// the overlay file system, where it also failed now and then with
	// "Interrupted system call" under load.
	"PGDATA": postgresData,
}

// postgresRequires is what the runner relies on in a Postgres image that a
// file test can see. It relies on more that none can, and an image set by
// hand must keep too: an entrypoint that takes POSTGRES_USER,
// POSTGRES_PASSWORD and POSTGRES_DB, initialises the empty PGDATA it is
// given (a tmpfs, see limitPostgres) and runs postgresCmd as a user other
// than root, as the official image's does; and a server of version 14 or
// later (client_connection_check_interval in postgresCmd, DROP DATABASE
// … WITH (FORCE) in package pg).
var postgresRequires = engine.Requirements{
	Commands: []string{
		"postgres", // postgresCmd, which the image's entrypoint runs
		"psql",     // `lab shell` (postgresState.shell)
	},
}

// postgresCmd turns durability settings off (the data is disposable);
// query semantics are unchanged.
var postgresCmd = []string{"postgres",
	"-c", "fsync=off",
	"-c", "synchronous_commit=off",
	"-c", "full_page_writes=off",
	"-c", "wal_level=minimal",
	"-c", "max_wal_senders=0",
	"-c", "max_connections=200",
	// WAL lives on the data tmpfs too: checkpoint often enough that it
	// stays small next to the slots' disk quotas (see pg.DiskQuota).
	"-c", "max_wal_size=256MB",
	"-c", "min_wal_size=32MB",
	// A backend whose client went away stops within a second, even in
	// the middle of a runaway query.
	"-c", "client_connection_check_interval=1000",
}

func postgresProbe(ctx context.Context, t engine.ProbeTarget) error {
	conn, err := pgx.Connect(ctx, postgresURL(t.HostPort)+"?connect_timeout=2")
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// postgresData is the data directory, on a tmpfs.
const postgresData = "/var/lib/postgresql/tmpfs"

// Memory of a Postgres container, data included (tmpfs pages count).
const (
	postgresMemory  = 2 << 30
	postgresDataMax = "1536m"
)

func limitPostgres(hc *container.HostConfig) {
	hc.Memory = postgresMemory
	hc.MemorySwap = postgresMemory
	if hc.Tmpfs == nil {
		hc.Tmpfs = map[string]string{}
	}
	hc.Tmpfs[postgresData] = "rw,nosuid,nodev,size=" + postgresDataMax
}

func postgresURL(hostPort string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s", PostgresUser, PostgresPassword, hostPort, PostgresDB)
}

// postgresState is the serviceState of a postgres service: its lab
// databases (see pgLab). A grading run works inside a transaction that is
// rolled back (see pgSQL), so it needs no reset first, unless learners'
// programs work on the learner's databases.
type postgresState struct {
	t   *stateTarget
	lab *pg.Lab
}

func newPostgresState(t *stateTarget) serviceState {
	var variants []string
	for _, v := range t.lab.Variants {
		if v.Service == t.name {
			variants = append(variants, v.Name)
		}
	}
	return &postgresState{t: t, lab: pg.NewLab(pgService(t), t.def.Database, variants)}
}

// pgService is the target's engine service, which the lab databases reach
// the server through, or nil when it is not running.
func pgService(t *stateTarget) *engine.Service {
	svc, _ := t.sess.lookup(t.name).(*engine.Service)
	return svc
}

func (st *postgresState) Seed(ctx context.Context) error {
	sets := map[string][]pg.Script{}
	var err error
	if sets[""], err = st.scripts(st.t.def.Fixtures); err != nil {
		return err
	}
	for _, v := range st.t.lab.Variants {
		if v.Service != st.t.name {
			continue
		}
		if sets[v.Name], err = st.scripts(v.Fixtures); err != nil {
			return err
		}
	}
	err = st.lab.Seed(ctx, sets, st.t.sess.keep())
	var se *pg.ScriptError
	if errors.As(err, &se) {
		return &FixtureError{Service: st.t.name, Fixture: se.Script, Err: se.Err}
	}
	return err
}

// scripts reads fixture files as the SQL scripts that seed the databases.
func (st *postgresState) scripts(names []string) ([]pg.Script, error) {
	fixtures, err := st.t.fixtures(names)
	var out []pg.Script
	for _, f := range fixtures {
		out = append(out, pg.Script{Name: f.Name, SQL: f.Content})
	}
	return out, err
}

func (st *postgresState) Reset(ctx context.Context) error { return st.lab.Reset(ctx) }

func (st *postgresState) learnerURL() string { return st.lab.LearnerURL() }

func (st *postgresState) shell() ([]string, []string) {
	l := st.lab.Learner()
	return []string{"psql", "-U", l.Role(), "-d", l.DB()}, []string{"PGPASSWORD=" + l.Password()}
}

func (st *postgresState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	var s *pg.SQL
	switch {
	case opts.Live:
		s = pg.NewSQL(st.lab, st.lab.Learner(), false)
	case opts.Programs:
		if err := st.lab.Reset(ctx); err != nil {
			return nil, err
		}
		s = pg.NewSQL(st.lab, st.lab.Learner(), false)
	case opts.Slot != nil:
		s = pg.NewSQL(st.lab, opts.Slot.states[st.t.name].(*pgSlotState).slot, true)
	default:
		s = pg.NewSQL(st.lab, st.lab.Grading(), true)
	}
	if st.readsReferenceDB() {
		s.WithReferences()
	}
	return &postgresRun{sql: s, live: opts.Live}, nil
}

// readsReferenceDB reports whether a check on the service reads its
// reference copies.
func (st *postgresState) readsReferenceDB() bool {
	for _, def := range st.t.lab.Checks {
		if r, ok := def.Check.(checks.ReferenceDBReader); ok && def.Service == st.t.name && r.ReadsReferenceDB() {
			return true
		}
	}
	return false
}

// newSlot makes postgresState a slotter.
func (st *postgresState) newSlot(ctx context.Context, id string) (slotState, error) {
	slot, err := st.lab.NewSlot(ctx, id)
	if err != nil {
		return nil, err
	}
	return &pgSlotState{lab: st.lab, slot: slot}, nil
}

// pgSlotState is an isolated learner on a postgres service.
type pgSlotState struct {
	lab  *pg.Lab
	slot *pg.Slot
}

func (s *pgSlotState) Close(ctx context.Context) error { return s.lab.DropSlot(ctx, s.slot) }

// postgresRun is a grading run on a postgres service.
type postgresRun struct {
	sql  *pg.SQL
	live bool
}

func (r *postgresRun) SQL() checks.SQL { return r.sql }

func (r *postgresRun) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	switch f.Apply {
	case labs.ApplyQuery:
		return nil // checks run the query themselves
	case labs.ApplySQL:
		if r.live {
			return nil // the learner ran it by hand
		}
		// On the run's connections: inside its transaction when it has one.
		return r.sql.Apply(ctx, f.File, content)
	}
	return fmt.Errorf("apply mode %q is not supported on a postgres service", f.Apply)
}

// End reports a failure of the server seen during the run, then rolls
// the run back (or recreates the databases it changed for good).
func (r *postgresRun) End(ctx context.Context) error {
	cerr := r.sql.Close(ctx)
	if f := r.sql.EnvFailure(); f != nil {
		return f
	}
	return cerr
}
