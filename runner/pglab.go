package runner

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
)

// Learner credentials of a Postgres lab. The learner's role owns only the
// lab database; it is not a superuser and cannot create roles or
// databases.
const (
	LearnerRole     = "learner"
	LearnerPassword = "learner"
)

// Result limits of a learner's query: a result larger than this is an
// error of the check, not a memory problem of the grader.
const (
	maxResultRows  = 100_000
	maxResultBytes = 32 << 20
)

// Fixture is a named SQL script that seeds a database.
type Fixture struct {
	Name string
	SQL  string
}

// pgLab is the lab state on one Postgres service: a seeded template
// database per data set (the main data and each hidden variant), a pristine
// reference copy of each, and the learner's working copies. Names:
//
//	<db>__seed, <db>__ref, <db>             main data
//	<db>__v_<variant>__seed, __ref, <db>__v_<variant>   each variant
//
// Reset is CREATE DATABASE … TEMPLATE, tens of milliseconds.
type pgLab struct {
	svc      *Service
	db       string
	role     string
	password string
	variants []string
	// strategy is " STRATEGY FILE_COPY" on servers that have it (15+):
	// copying the files is faster than WAL-logging every page of a
	// template, and with fsync off its checkpoints cost little.
	strategy string
}

func newPGLab(svc *Service, db string, variants []string) *pgLab {
	return &pgLab{svc: svc, db: db, role: LearnerRole, password: LearnerPassword, variants: variants}
}

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// variantDB returns the learner database of a data set ("" is the main one).
func (p *pgLab) variantDB(variant string) string {
	if variant == "" {
		return p.db
	}
	return p.db + "__v_" + variant
}

// LearnerURL is the connection URL the learner uses.
func (p *pgLab) LearnerURL() string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s", p.role, p.password, p.svc.HostPort, p.db)
}

func (p *pgLab) connect(ctx context.Context, user, password, db string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable&connect_timeout=5", user, password, p.svc.HostPort, db))
	if err != nil {
		return nil, err
	}
	// On a deadline, ask the server to cancel the statement at once rather
	// than only dropping the connection: a dropped connection leaves a
	// runaway query running in the server.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, CancelRequestDelay: 0, DeadlineDelay: time.Second}
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	return pgx.ConnectConfig(ctx, cfg)
}

func (p *pgLab) superuser(ctx context.Context, db string) (*pgx.Conn, error) {
	c, err := p.connect(ctx, PostgresUser, PostgresPassword, db)
	if err != nil {
		return nil, envErr(fmt.Errorf("connect to %s as superuser: %w", p.svc.Name, err))
	}
	return c, nil
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// Seed creates the learner role and, for the main data and each variant,
// the seeded template, the reference copy and the learner's copy.
// fixtures maps a data set ("" or a variant name) to its scripts.
func (p *pgLab) Seed(ctx context.Context, fixtures map[string][]Fixture) error {
	if !identRe.MatchString(p.db) {
		return fmt.Errorf("database name %q: use lowercase letters, digits and _", p.db)
	}
	su, err := p.superuser(ctx, PostgresDB)
	if err != nil {
		return err
	}
	defer su.Close(context.WithoutCancel(ctx))
	setup := []string{
		fmt.Sprintf(`DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %[1]s) THEN
    CREATE ROLE %[2]s LOGIN PASSWORD %[3]s NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END$$`, quoteLit(p.role), quoteIdent(p.role), quoteLit(p.password)),
		"REVOKE CONNECT ON DATABASE postgres FROM PUBLIC",
		"REVOKE CONNECT ON DATABASE template1 FROM PUBLIC",
	}
	for _, q := range setup {
		if _, err := su.Exec(ctx, q); err != nil {
			return envErr(fmt.Errorf("set up %s: %w", p.svc.Name, err))
		}
	}
	p.detectStrategy(su)
	sets := append([]string{""}, p.variants...)
	for _, set := range sets {
		if err := p.seedSet(ctx, su, set, fixtures[set]); err != nil {
			return err
		}
	}
	return p.reset(ctx, su, sets)
}

func (p *pgLab) seedSet(ctx context.Context, su *pgx.Conn, set string, fixtures []Fixture) error {
	base := p.variantDB(set)
	seed, ref := base+"__seed", base+"__ref"
	for _, q := range []string{
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(ref)),
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(seed)),
		fmt.Sprintf("CREATE DATABASE %s OWNER %s", quoteIdent(seed), quoteIdent(p.role)),
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			return envErr(fmt.Errorf("create %s: %w", seed, err))
		}
	}
	c, err := p.superuser(ctx, seed)
	if err != nil {
		return err
	}
	// Fixtures run as the learner's role, so that the learner owns the
	// tables (and may index them) without owning anything else.
	if _, err := c.Exec(ctx, "SET ROLE "+quoteIdent(p.role)); err != nil {
		c.Close(ctx)
		return envErr(err)
	}
	for _, f := range fixtures {
		if _, err := c.Exec(ctx, f.SQL); err != nil {
			c.Close(ctx)
			return &FixtureError{Service: p.svc.Name, Fixture: f.Name, Err: describePGError(f.SQL, err)}
		}
	}
	for _, q := range []string{"RESET ROLE", "VACUUM ANALYZE"} {
		if _, err := c.Exec(ctx, q); err != nil {
			c.Close(ctx)
			return envErr(fmt.Errorf("analyze %s: %w", seed, err))
		}
	}
	c.Close(ctx)
	for _, q := range []string{
		fmt.Sprintf("ALTER DATABASE %s OWNER TO %s", quoteIdent(seed), PostgresUser),
		fmt.Sprintf("ALTER DATABASE %s IS_TEMPLATE true", quoteIdent(seed)),
		fmt.Sprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC", quoteIdent(seed)),
		fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", quoteIdent(ref), quoteIdent(seed)),
		fmt.Sprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC", quoteIdent(ref)),
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			return envErr(fmt.Errorf("prepare %s: %w", seed, err))
		}
	}
	return nil
}

func (p *pgLab) detectStrategy(su *pgx.Conn) {
	v := su.PgConn().ParameterStatus("server_version")
	if i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		v = v[:i]
	}
	if major, err := strconv.Atoi(v); err == nil && major >= 15 {
		p.strategy = " STRATEGY FILE_COPY"
	}
}

// Reset recreates the learner's databases from the seeded templates.
func (p *pgLab) Reset(ctx context.Context) error {
	su, err := p.superuser(ctx, PostgresDB)
	if err != nil {
		return err
	}
	defer su.Close(context.WithoutCancel(ctx))
	p.detectStrategy(su)
	return p.reset(ctx, su, append([]string{""}, p.variants...))
}

func (p *pgLab) reset(ctx context.Context, su *pgx.Conn, sets []string) error {
	for _, set := range sets {
		db := p.variantDB(set)
		for _, q := range []string{
			fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(db)),
			fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s%s", quoteIdent(db), quoteIdent(db+"__seed"), quoteIdent(p.role), p.strategy),
			fmt.Sprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC", quoteIdent(db)),
		} {
			if _, err := su.Exec(ctx, q); err != nil {
				return envErr(fmt.Errorf("reset %s: %w", db, err))
			}
		}
	}
	return nil
}

// ApplySQL runs a learner's script as the learner on the main database and
// on every variant's, so that result checks see the same schema changes.
func (p *pgLab) ApplySQL(ctx context.Context, name, script string) error {
	for _, set := range append([]string{""}, p.variants...) {
		c, err := p.connect(ctx, p.role, p.password, p.variantDB(set))
		if err != nil {
			return envErr(fmt.Errorf("connect as %s: %w", p.role, err))
		}
		_, err = c.Exec(ctx, script)
		c.Close(context.WithoutCancel(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s did not finish in time; it was cancelled", name)
			}
			return fmt.Errorf("%s: %w", name, describePGError(script, err))
		}
	}
	return nil
}

// FixtureError is a lab fixture that failed: a lab-definition problem.
type FixtureError struct {
	Service, Fixture string
	Err              error
}

func (e *FixtureError) Error() string {
	return fmt.Sprintf("seed %s: fixture %s: %v", e.Service, e.Fixture, e.Err)
}
func (e *FixtureError) Unwrap() error { return e.Err }

// ExitCode reports a broken fixture as a lab-definition error.
func (e *FixtureError) ExitCode() int { return 2 }

// describePGError adds the line of the script a Postgres error points at.
func describePGError(script string, err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	msg := pe.Message
	if pe.Position > 0 && int(pe.Position) <= len([]rune(script)) {
		line := strings.Count(string([]rune(script)[:pe.Position-1]), "\n") + 1
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	if pe.Hint != "" {
		msg += " (hint: " + pe.Hint + ")"
	}
	return errors.New(msg)
}

func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
