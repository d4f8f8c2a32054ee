package pg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/labrunner/labrunner/runner/engine"
)

// Superuser credentials of every Postgres service. The port is published
// on 127.0.0.1 only, and learners connect as their own role, not as this
// one.
const (
	User     = "postgres"
	Password = "postgres"
	DB       = "postgres"
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

// Script is a named SQL script that seeds a database (a lab fixture).
type Script struct {
	Name string
	SQL  string
}

// Lab is the lab state on one Postgres service: a seeded template
// database per data set (the main data and each hidden variant) and a
// pristine reference copy of each, shared by every learner slot; and, per
// slot, the learner's working copies. Names:
//
//	<db>__seed, <db>__ref                    main data
//	<db>__v_<variant>__seed, …__ref          each variant
//	<slot db>, <slot db>__v_<variant>        a slot's working copies
//
// Tables belong to the NOLOGIN role lab_owner; each slot's role is a
// member of it (so it may index and alter the lab's tables) and owns only
// its own databases, which no other role may connect to. Reset is
// CREATE DATABASE … TEMPLATE, tens of milliseconds.
type Lab struct {
	svc      *engine.Service
	db       string
	variants []string
	// strategy is " STRATEGY FILE_COPY" on servers that have it (15+):
	// copying the files is faster than WAL-logging every page of a
	// template, and with fsync off its checkpoints cost little.
	strategy string
	mu       sync.Mutex // guards strategy
	// learner is the workspace learner's working databases, which they
	// change by hand; `lab check --live` grades them.
	learner *Slot
	// grading is the workspace's grading databases: same role, databases
	// only graded submissions touch, always inside a transaction that is
	// rolled back, so that they stay pristine between checks.
	grading *Slot
	gmu     sync.Mutex // guards graderSQL
	// graderSQL puts a learner's session into the grader's state (see
	// graderReset).
	graderSQL string
}

// ownerRole owns the lab's tables; learner roles are its members.
const ownerRole = "lab_owner"

// Slot is one learner on a Lab: a role and its working databases.
type Slot struct {
	role, password, db string
	// stale is set when a run saw the environment fail: the slot's
	// databases and role may be in any state, and the next run on it
	// recreates them first.
	stale atomic.Bool
}

func NewLab(svc *engine.Service, db string, variants []string) *Lab {
	return &Lab{svc: svc, db: db, variants: variants,
		learner: &Slot{role: LearnerRole, password: LearnerPassword, db: db},
		grading: &Slot{role: LearnerRole, password: LearnerPassword, db: db + "__g"}}
}

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// ValidIdent reports whether s is a name this package uses unquoted for
// databases and roles: lowercase letters, digits and _.
func ValidIdent(s string) bool { return identRe.MatchString(s) }

// Learner is the workspace learner's slot: the role and working databases
// the learner changes by hand.
func (p *Lab) Learner() *Slot { return p.learner }

// Grading is the workspace's grading slot: databases only graded
// submissions touch, always inside a transaction that is rolled back.
func (p *Lab) Grading() *Slot { return p.grading }

// Variants returns the names of the hidden data variants.
func (p *Lab) Variants() []string { return p.variants }

// Role, Password and DB are how the slot's learner connects.
func (s *Slot) Role() string     { return s.role }
func (s *Slot) Password() string { return s.password }
func (s *Slot) DB() string       { return s.db }

// dbFor returns the slot's working database of a data set ("" is the main
// one).
func (s *Slot) dbFor(set string) string {
	if set == "" {
		return s.db
	}
	return s.db + "__v_" + set
}

// setBase is the name the template and reference of a data set derive from.
func (p *Lab) setBase(set string) string {
	if set == "" {
		return p.db
	}
	return p.db + "__v_" + set
}

// sets returns the data sets: "" and each variant.
func (p *Lab) sets() []string { return append([]string{""}, p.variants...) }

// LearnerURL is the connection URL the learner uses.
func (p *Lab) LearnerURL() string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s", p.learner.role, p.learner.password, p.svc.HostPort, p.learner.db)
}

func (p *Lab) connect(ctx context.Context, user, password, db string) (*pgx.Conn, error) {
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

func (p *Lab) superuser(ctx context.Context, db string) (*pgx.Conn, error) {
	c, err := p.connect(ctx, User, Password, db)
	if err != nil {
		return nil, engine.EnvErr(fmt.Errorf("connect to %s as superuser: %w", p.svc.Name, err))
	}
	return c, nil
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// Seed creates the learner role and, for the main data and each variant,
// the seeded template, the reference copy and the learner's copy.
// fixtures maps a data set ("" or a variant name) to its scripts.
//
// withLearner creates the learner's working databases too; a session no
// learner works in by hand (a one-off check, a grade) does without them.
func (p *Lab) Seed(ctx context.Context, fixtures map[string][]Script, withLearner bool) error {
	if !identRe.MatchString(p.db) {
		return fmt.Errorf("database name %q: use lowercase letters, digits and _", p.db)
	}
	su, err := p.superuser(ctx, DB)
	if err != nil {
		return err
	}
	defer su.Close(context.WithoutCancel(ctx))
	setup := []string{
		fmt.Sprintf(`DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN
    CREATE ROLE %s NOLOGIN;
  END IF;
END$$`, quoteLit(ownerRole), ownerRole),
		createRoleSQL(p.learner),
		quotaSQL(p.learner.role),
		"REVOKE CONNECT ON DATABASE postgres FROM PUBLIC",
		"REVOKE CONNECT ON DATABASE template1 FROM PUBLIC",
	}
	for _, q := range setup {
		if _, err := su.Exec(ctx, q); err != nil {
			return engine.EnvErr(fmt.Errorf("set up %s: %w", p.svc.Name, err))
		}
	}
	p.detectStrategy(su)
	// The data sets are independent: seed them at once, each on its own
	// connection, then clone the working copies at once.
	if err := p.parallel(ctx, p.sets(), func(ctx context.Context, su *pgx.Conn, set string) error {
		return p.seedSet(ctx, su, set, fixtures[set])
	}); err != nil {
		return err
	}
	return p.parallel(ctx, p.sets(), func(ctx context.Context, su *pgx.Conn, set string) error {
		slots := []*Slot{p.grading}
		if withLearner {
			slots = append(slots, p.learner)
		}
		for _, slot := range slots {
			if err := p.resetSet(ctx, su, slot, set); err != nil {
				return err
			}
		}
		return nil
	})
}

// parallel runs f for every data set at once, each with a superuser
// connection of its own, and returns the first error.
func (p *Lab) parallel(ctx context.Context, sets []string, f func(ctx context.Context, su *pgx.Conn, set string) error) error {
	errs := make([]error, len(sets))
	var wg sync.WaitGroup
	for i, set := range sets {
		wg.Go(func() {
			su, err := p.superuser(ctx, DB)
			if err != nil {
				errs[i] = err
				return
			}
			defer su.Close(context.WithoutCancel(ctx))
			errs[i] = f(ctx, su, set)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// createRoleSQL creates a slot's role, a member of the owner role, unless
// it exists.
func createRoleSQL(s *Slot) string {
	return fmt.Sprintf(`DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %[1]s) THEN
    CREATE ROLE %[2]s LOGIN PASSWORD %[3]s NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE %[4]s;
  END IF;
END$$`, quoteLit(s.role), quoteIdent(s.role), quoteLit(s.password), ownerRole)
}

func (p *Lab) seedSet(ctx context.Context, su *pgx.Conn, set string, fixtures []Script) error {
	base := p.setBase(set)
	seed, ref := base+"__seed", base+"__ref"
	strategy := p.strategyClause()
	for _, q := range []string{
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(ref)),
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(seed)),
		fmt.Sprintf("CREATE DATABASE %s OWNER %s%s", quoteIdent(seed), ownerRole, strategy),
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			return engine.EnvErr(fmt.Errorf("create %s: %w", seed, err))
		}
	}
	c, err := p.superuser(ctx, seed)
	if err != nil {
		return err
	}
	// Fixtures run as the owner role, whose members (the learners) may
	// then index and alter the tables without owning anything else.
	if _, err := c.Exec(ctx, "SET ROLE "+ownerRole); err != nil {
		c.Close(ctx)
		return engine.EnvErr(err)
	}
	for _, f := range fixtures {
		if _, err := c.Exec(ctx, f.SQL); err != nil {
			c.Close(ctx)
			return &ScriptError{Script: f.Name, Err: describePGError(f.SQL, err)}
		}
	}
	for _, q := range []string{"RESET ROLE", "VACUUM ANALYZE"} {
		if _, err := c.Exec(ctx, q); err != nil {
			c.Close(ctx)
			return engine.EnvErr(fmt.Errorf("analyze %s: %w", seed, err))
		}
	}
	c.Close(ctx)
	for _, q := range []string{
		// One round trip: these may share an implicit transaction.
		fmt.Sprintf("ALTER DATABASE %[1]s OWNER TO %[2]s; ALTER DATABASE %[1]s IS_TEMPLATE true; REVOKE CONNECT ON DATABASE %[1]s FROM PUBLIC",
			quoteIdent(seed), User),
		fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s%s", quoteIdent(ref), quoteIdent(seed), strategy),
		fmt.Sprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC", quoteIdent(ref)),
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			return engine.EnvErr(fmt.Errorf("prepare %s: %w", seed, err))
		}
	}
	return nil
}

// strategyClause returns the STRATEGY clause of CREATE DATABASE to use.
func (p *Lab) strategyClause() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.strategy
}

func (p *Lab) detectStrategy(su *pgx.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := su.PgConn().ParameterStatus("server_version")
	if i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		v = v[:i]
	}
	if major, err := strconv.Atoi(v); err == nil && major >= 15 {
		p.strategy = " STRATEGY FILE_COPY"
	}
}

// Reset recreates the workspace learner's databases from the templates.
func (p *Lab) Reset(ctx context.Context) error {
	return p.resetSlot(ctx, p.learner)
}

// resetSlot recreates a slot's databases from the templates, the data
// sets at once, and resets its role's settings (see quotaSQL): a
// submission that committed ALTER ROLE CURRENT_USER SET … must not set
// the next one's session. (A role cannot be kept from changing its own
// settings, so they are undone instead; database settings go with the
// databases.)
func (p *Lab) resetSlot(ctx context.Context, slot *Slot) error {
	if err := p.resetRole(ctx, slot); err != nil {
		return err
	}
	if err := p.parallel(ctx, p.sets(), func(ctx context.Context, su *pgx.Conn, set string) error {
		p.detectStrategy(su)
		return p.resetSet(ctx, su, slot, set)
	}); err != nil {
		return err
	}
	slot.stale.Store(false)
	return nil
}

// resetRole resets a slot's role's settings to the quota's.
func (p *Lab) resetRole(ctx context.Context, slot *Slot) error {
	su, err := p.superuser(ctx, DB)
	if err != nil {
		return err
	}
	defer su.Close(context.WithoutCancel(ctx))
	if _, err := su.Exec(ctx, quotaSQL(slot.role)); err != nil {
		return engine.EnvErr(fmt.Errorf("reset role %s: %w", slot.role, err))
	}
	return nil
}

func (p *Lab) reset(ctx context.Context, su *pgx.Conn, slot *Slot) error {
	for _, set := range p.sets() {
		if err := p.resetSet(ctx, su, slot, set); err != nil {
			return err
		}
	}
	return nil
}

// resetSet recreates a slot's database of one data set from its template.
func (p *Lab) resetSet(ctx context.Context, su *pgx.Conn, slot *Slot, set string) error {
	db := slot.dbFor(set)
	strategy := p.strategyClause()
	for _, q := range []string{
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(db)),
		fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s%s", quoteIdent(db), quoteIdent(p.setBase(set)+"__seed"), quoteIdent(slot.role), strategy),
		fmt.Sprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC", quoteIdent(db)),
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			return engine.EnvErr(fmt.Errorf("reset %s: %w", db, err))
		}
	}
	return nil
}

// NewSlot creates an isolated learner: a role of its own and working
// copies of every data set, owned by it.
func (p *Lab) NewSlot(ctx context.Context, id string) (*Slot, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	slot := &Slot{role: "lab_s_" + id, password: hex.EncodeToString(b[:]), db: p.db + "_s_" + id}
	su, err := p.superuser(ctx, DB)
	if err != nil {
		return nil, err
	}
	defer su.Close(context.WithoutCancel(ctx))
	p.detectStrategy(su)
	if _, err := su.Exec(ctx, createRoleSQL(slot)+"; "+quotaSQL(slot.role)); err != nil {
		return nil, engine.EnvErr(fmt.Errorf("create role %s: %w", slot.role, err))
	}
	if err := p.reset(ctx, su, slot); err != nil {
		return nil, err
	}
	return slot, nil
}

// DropSlot removes a slot's databases and role.
func (p *Lab) DropSlot(ctx context.Context, slot *Slot) error {
	su, err := p.superuser(ctx, DB)
	if err != nil {
		return err
	}
	defer su.Close(context.WithoutCancel(ctx))
	var errs []error
	for _, set := range p.sets() {
		if _, err := su.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoteIdent(slot.dbFor(set)))); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := su.Exec(ctx, "DROP ROLE IF EXISTS "+quoteIdent(slot.role)); err != nil {
		errs = append(errs, err)
	}
	return engine.EnvErr(errors.Join(errs...))
}

// ScriptError is a seeding script that failed: the lab's fault, not the
// environment's.
type ScriptError struct {
	Script string
	Err    error
}

func (e *ScriptError) Error() string { return fmt.Sprintf("script %s: %v", e.Script, e.Err) }
func (e *ScriptError) Unwrap() error { return e.Err }

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
	return &stateError{msg: msg, code: pe.Code}
}

// describeStatementError is describePGError for statement st of script:
// the line it names is the script's.
func describeStatementError(script string, st Statement, err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Position <= 0 {
		return describePGError(st.Text, err)
	}
	before := strings.Count(script[:st.Offset], "\n")
	msg := pe.Message
	if r := []rune(st.Text); int(pe.Position) <= len(r) {
		msg = fmt.Sprintf("line %d: %s", before+strings.Count(string(r[:pe.Position-1]), "\n")+1, msg)
	}
	if pe.Hint != "" {
		msg += " (hint: " + pe.Hint + ")"
	}
	return &stateError{msg: msg, code: pe.Code}
}

func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
