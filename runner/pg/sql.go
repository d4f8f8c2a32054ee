package pg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labrunner/labrunner/runner/engine"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/labrunner/labrunner/checks"
)

// NewSQL returns the SQL of one check run as slot on lab; with tx, the run
// works in one transaction per database that Close rolls back.
func NewSQL(lab *Lab, slot *Slot, tx bool) *SQL { return &SQL{lab: lab, slot: slot, tx: tx} }

// WithReferences says that the run's checks read the reference copies
// too (sql.intact, sql.result with an expected query): the connections to
// them are opened at the same time as the learner's, instead of after
// them. It returns s.
func (s *SQL) WithReferences() *SQL {
	s.refs = true
	return s
}

// EnvFailure is the first failure of the server (not of a query) the run
// saw, or nil.
func (s *SQL) EnvFailure() error { return s.envFailure }

// SQL implements checks.SQL on a Lab for one check run. Connections
// are opened on first use and kept for the run.
//
// With tx set, each of the slot's databases is used inside one
// transaction for the whole run — the submission's script, then every
// check's query, each query under a savepoint so that a failing one does
// not abort the rest — and Close rolls it back. The databases are then as
// pristine as before, without the cost of recreating them. A script that
// commits, or one that cannot run in a transaction block (CREATE INDEX
// CONCURRENTLY, VACUUM), leaves them changed; Close then recreates them.
// Sequences advanced by nextval are not rolled back by Postgres; Close
// restores them too.
type SQL struct {
	lab  *Lab
	slot *Slot
	tx   bool
	// refs opens the references' connections with the learner's.
	refs  bool
	conns map[checks.DB]*pgx.Conn
	// dirty is set when the slot's databases may have changed for good.
	dirty bool
	// seqs is the sequences' state of each database before the run.
	seqs map[checks.DB]string
	// envFailure is the first error of the server rather than of a query:
	// a lost connection, a server that went away.
	envFailure error
	// quota watches the slot's disk use (see watch).
	quota *quota
	// idle are the sessions of checks.SQLSessions kept for the run's
	// next check (see session.Close), guarded by smu.
	smu  sync.Mutex
	idle map[checks.DB][]*session
}

// classify returns err, or the environment's failure when err is one
// (see envCode), or when the connection broke under the query (not at
// the deadline); the run then has no grade, and the slot is recreated
// before its next run.
func (s *SQL) classify(ctx context.Context, c *pgx.Conn, err error) error {
	if err == nil || ctx.Err() != nil {
		return err
	}
	var pe *pgconn.PgError
	var ee *engine.EnvError
	switch {
	case errors.As(err, &pe):
		if !envCode(pe.Code) {
			return err
		}
		err = fmt.Errorf("%s failed (SQLSTATE %s): %w", s.lab.svc.Name, pe.Code, err)
	case errors.As(err, &ee):
	case c != nil && c.IsClosed():
		err = fmt.Errorf("lost the connection to %s: %w", s.lab.svc.Name, err)
	default:
		return err
	}
	s.slot.stale.Store(true)
	if s.envFailure == nil {
		s.envFailure = engine.EnvErr(err)
	}
	return s.envFailure
}

var _ checks.SQL = (*SQL)(nil)

func (s *SQL) Variants() []string { return s.lab.variants }

// conn returns the run's connection to db. The first time one of the
// learner's databases (or of the references) is needed, the connections to
// that database of every data set are opened at once: the checks that
// read one data set read them all (sql.intact, sql.result), and the
// submission applies to every one, so that each connection's setup (about
// 7 ms of SCRAM and a backend fork, more under load) overlaps the others'
// instead of following it; WithReferences adds the references' (or the
// learner's) to them. The grader's session state is read at the same time
// (see graderReset).
func (s *SQL) conn(ctx context.Context, db checks.DB) (*pgx.Conn, error) {
	if c := s.conns[db]; c != nil && !c.IsClosed() {
		return c, nil
	}
	want := []checks.DB{db}
	kinds := []bool{db.Reference}
	if s.refs {
		kinds = []bool{db.Reference, !db.Reference}
	}
	for _, ref := range kinds {
		for _, set := range s.lab.sets() {
			other := checks.DB{Reference: ref, Variant: set}
			if c := s.conns[other]; other != db && (c == nil || c.IsClosed()) {
				want = append(want, other)
			}
		}
	}
	learner := slices.ContainsFunc(want, func(d checks.DB) bool { return !d.Reference })
	if learner && s.slot.stale.Load() {
		// A run before this one saw the environment fail.
		if err := s.lab.resetSlot(ctx, s.slot); err != nil {
			return nil, err
		}
	}
	var graderDone chan struct{}
	if learner {
		graderDone = make(chan struct{})
		go func() {
			defer close(graderDone)
			s.lab.graderReset(ctx) // cached; Query asks again, and reports its error
		}()
	}
	opened := make([]openConn, len(want))
	var wg sync.WaitGroup
	for i, d := range want {
		wg.Go(func() { opened[i] = s.open(ctx, d) })
	}
	wg.Wait()
	if graderDone != nil {
		<-graderDone
	}
	if s.conns == nil {
		s.conns = map[checks.DB]*pgx.Conn{}
	}
	for i, d := range want {
		if opened[i].err != nil {
			// Another data set's connection is opened again when it is
			// needed, and says then what went wrong.
			continue
		}
		s.conns[d] = opened[i].c
		if s.tx && !d.Reference {
			if s.seqs == nil {
				s.seqs = map[checks.DB]string{}
			}
			s.seqs[d] = opened[i].seqs
		}
	}
	if err := opened[0].err; err != nil {
		return nil, err
	}
	if learner {
		s.watch(ctx)
	}
	return s.conns[db], nil
}

// openConn is a connection open creates, with the state of its sequences
// when the run began.
type openConn struct {
	c    *pgx.Conn
	seqs string
	err  error
}

// open connects to db: as the superuser to a reference, as the slot's
// role to its database; with tx, reads the sequences' state and begins
// the run's transaction.
func (s *SQL) open(ctx context.Context, db checks.DB) openConn {
	if db.Reference {
		c, err := s.lab.superuser(ctx, s.lab.setBase(db.Variant)+"__ref")
		return openConn{c: c, err: err}
	}
	c, err := s.lab.connect(ctx, s.slot.role, s.slot.password, s.slot.dbFor(db.Variant))
	if err != nil {
		return openConn{err: engine.EnvErr(fmt.Errorf("connect as %s: %w", s.slot.role, err))}
	}
	if !s.tx {
		return openConn{c: c}
	}
	fail := func(err error) openConn {
		c.Close(context.WithoutCancel(ctx))
		return openConn{err: engine.EnvErr(err)}
	}
	state, err := beginRun(ctx, c)
	if err != nil {
		return fail(err)
	}
	return openConn{c: c, seqs: state}
}

// inTx reports whether c has a transaction open (even a failed one).
func inTx(c *pgx.Conn) bool { return c.PgConn().TxStatus() != 'I' }

// savepoint runs f under a savepoint when c is in a transaction, rolling
// back to it when f fails, so that the transaction stays usable. first,
// when given, is SQL that runs before f, in the same round trip as the
// SAVEPOINT (the simple protocol takes several statements); its failure
// is f's, wrapped by firstErr.
func savepoint(ctx context.Context, c *pgx.Conn, first string, firstErr func(error) error, f func() error) error {
	if !inTx(c) {
		if first != "" {
			if _, err := c.Exec(ctx, first); err != nil {
				return firstErr(err)
			}
		}
		return f()
	}
	open := "SAVEPOINT lab_step"
	if first != "" {
		open += "; " + first
	}
	var ferr error
	failedBefore := c.PgConn().TxStatus() == 'E'
	if _, err := c.Exec(ctx, open); err != nil {
		if first == "" || failedBefore || c.PgConn().TxStatus() != 'E' {
			// The SAVEPOINT itself failed (or the connection did):
			// there is nothing to roll back to.
			return err
		}
		// The SAVEPOINT ran; first failed after it.
		ferr = firstErr(err)
	} else {
		ferr = f()
	}
	// The step's context may be spent (a deadline); undoing must not be.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if !inTx(c) {
		return ferr // the step committed or rolled back the transaction
	}
	if ferr != nil {
		if _, err := c.Exec(uctx, "ROLLBACK TO SAVEPOINT lab_step"); err != nil {
			return errors.Join(ferr, err)
		}
	}
	if _, err := c.Exec(uctx, "RELEASE SAVEPOINT lab_step"); err != nil {
		return errors.Join(ferr, err)
	}
	return ferr
}

// Apply runs a submission script on the slot's database of every data
// set the way psql runs a file: a byte-order mark skipped, then statement
// by statement (see Split), stopping at the first error. With tx, the
// statements run inside the run's transaction, all undone when one fails;
// a script with a statement that cannot run in a transaction block
// (VACUUM, CREATE INDEX CONCURRENTLY, …) runs outside it instead, each
// statement committed on its own as psql does, and the databases are
// recreated afterwards.
func (s *SQL) Apply(ctx context.Context, name, script string) error {
	script = stripBOM(script)
	var stmts []Statement
	for _, st := range Split(script) {
		if !st.empty {
			stmts = append(stmts, st)
		}
	}
	outside := ""
	for _, st := range stmts {
		if st.outsideTx() {
			outside = st.lead()
			break
		}
	}
	for _, set := range s.lab.sets() {
		c, err := s.conn(ctx, checks.DB{Variant: set})
		if err != nil {
			return err
		}
		if err := s.applyOn(ctx, c, name, script, stmts, outside); err != nil {
			return err
		}
	}
	return nil
}

func (s *SQL) applyOn(ctx context.Context, c *pgx.Conn, name, script string, stmts []Statement, outside string) error {
	var err error
	var failed *Statement
	if !s.tx || outside == "" {
		err = savepoint(ctx, c, "", nil, func() error {
			failed, err = s.runStatements(ctx, c, stmts)
			return err
		})
		var pe *pgconn.PgError
		if s.tx && errors.As(err, &pe) && (pe.Code == "25001" || pe.Code == "2D000") && failed != nil {
			// A statement the list did not know cannot run in a
			// transaction block (or ends one, as a procedure's COMMIT
			// does): what it did is undone; run the script outside.
			outside, err = failed.lead(), nil
		}
	}
	if s.tx && outside != "" && err == nil {
		s.dirty = true
		if inTx(c) {
			// What earlier files did stays, as it would in psql.
			if _, err := c.Exec(ctx, "COMMIT"); err != nil {
				return s.applyError(ctx, c, name, script, nil, err, "")
			}
		}
		failed, err = s.runStatements(ctx, c, stmts)
	}
	if err != nil {
		return s.applyError(ctx, c, name, script, failed, err, outside)
	}
	if s.tx && !inTx(c) {
		// The script committed (or ran outside the transaction): what
		// follows is not rolled back, and the databases are recreated.
		// Checks still run in a transaction of their own.
		s.dirty = true
		if _, err := c.Exec(ctx, "BEGIN"); err != nil {
			return s.classify(ctx, c, engine.EnvErr(fmt.Errorf("begin: %w", err)))
		}
	}
	return nil
}

// runStatements runs stmts one by one and returns the one that failed.
func (s *SQL) runStatements(ctx context.Context, c *pgx.Conn, stmts []Statement) (*Statement, error) {
	for i := range stmts {
		_, err := c.Exec(ctx, stmts[i].Text)
		if s.tx && !inTx(c) {
			s.dirty = true
		}
		if err != nil {
			return &stmts[i], err
		}
	}
	return nil, nil
}

// applyError is the error of a script that failed at statement st: the
// environment's, or the learner's with the line of the script and, when
// the script ran outside the run's transaction, why.
func (s *SQL) applyError(ctx context.Context, c *pgx.Conn, name, script string, st *Statement, err error, outside string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s did not finish in time; it was cancelled", name)
	}
	if q := s.overQuota(); q != nil {
		s.dirty = true
		return fmt.Errorf("%s: %w", name, q)
	}
	if env := s.classify(ctx, c, err); env != err {
		return env
	}
	var msg error
	if st != nil {
		msg = describeStatementError(script, *st, err)
	} else {
		msg = describePGError(script, err)
	}
	if outside != "" {
		return fmt.Errorf("%s: %w (the file ran statement by statement outside a transaction, each statement committed, because %s cannot run inside a transaction block)", name, msg, outside)
	}
	return fmt.Errorf("%s: %w", name, msg)
}

// Query implements checks.SQL: one statement, extended protocol (a script
// of several statements is refused by the server), values as text, rows
// and bytes capped. Reference queries run in a read-only transaction.
func (s *SQL) Query(ctx context.Context, db checks.DB, query string) (*checks.Rows, error) {
	c, err := s.conn(ctx, db)
	if err != nil {
		var ee *engine.EnvError
		if errors.As(err, &ee) && s.envFailure == nil && ctx.Err() == nil {
			s.envFailure = err
		}
		return nil, err
	}
	if db.Reference {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		return readRows(ctx, tx, query)
	}
	reset, err := s.lab.graderReset(ctx)
	if err != nil {
		return nil, s.classify(ctx, c, engine.EnvErr(err))
	}
	var rows *checks.Rows
	resetErr := func(err error) error { return fmt.Errorf("set the grader's session state: %w", err) }
	err = savepoint(ctx, c, reset, resetErr, func() error {
		var err error
		rows, err = readRows(ctx, c, query)
		return err
	})
	if q := s.overQuota(); q != nil && err != nil && ctx.Err() == nil {
		s.dirty = true
		err = q
	}
	err = s.classify(ctx, c, err)
	if s.tx && !inTx(c) {
		s.dirty = true
	}
	return rows, err
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func readRows(ctx context.Context, q querier, query string) (*checks.Rows, error) {
	rows, err := q.Query(ctx, strings.TrimSpace(query), pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		return nil, describeQueryError(query, err)
	}
	defer rows.Close()
	out := &checks.Rows{}
	for _, f := range rows.FieldDescriptions() {
		out.Columns = append(out.Columns, f.Name)
	}
	size := 0
	fields := rows.FieldDescriptions()
	for rows.Next() {
		raw := rows.RawValues()
		vals := make([]any, len(raw))
		for i, b := range raw {
			if b == nil {
				continue
			}
			size += len(b)
			vals[i] = string(b)
			if fields[i].DataTypeOID == pgtype.BoolOID {
				// Text format says t/f; messages and expectations say
				// true/false, as psql's users read them in queries.
				vals[i] = map[string]string{"t": "true", "f": "false"}[string(b)]
			}
		}
		out.Values = append(out.Values, vals)
		if len(out.Values) > maxResultRows || size > maxResultBytes {
			return nil, fmt.Errorf("the query returned more than %d rows or %d MB; results that large are not graded", maxResultRows, maxResultBytes>>20)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, describeQueryError(query, err)
	}
	return out, nil
}

func describeQueryError(query string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42601" && strings.Contains(pe.Message, "multiple commands") {
		return errors.New("the file must hold one query, not several statements")
	}
	return describePGError(query, err)
}

// Close rolls back the run's transactions, closes its connections, and
// recreates the slot's databases when the run changed them for good.
func (s *SQL) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	s.stopQuota()
	s.closeSessions(ctx)
	if s.overQuota() != nil {
		s.dirty = true
	}
	// Every connection at once, each in one round trip (see endRun).
	dirty := s.dirty
	var mu sync.Mutex
	var wg sync.WaitGroup
	for db, c := range s.conns {
		wg.Go(func() {
			if s.tx && !db.Reference && !s.endRun(ctx, c, s.seqs[db], dirty) {
				mu.Lock()
				s.dirty = true
				mu.Unlock()
			}
			c.Close(ctx)
		})
	}
	wg.Wait()
	s.conns = nil
	if s.tx && s.dirty {
		s.dirty = false
		if err := s.lab.resetSlot(ctx, s.slot); err != nil {
			s.slot.stale.Store(true)
			return err
		}
	}
	return nil
}

// sequencesQuery returns one row: the state of every sequence of the
// database, to tell whether a run advanced one: nextval is not undone by
// a rollback.
const sequencesQuery = `SELECT coalesce(string_agg(format('%I.%I=%s', schemaname, sequencename, last_value), ',' ORDER BY 1), '')
  FROM pg_sequences`

// beginRun reads the sequences' state and begins the run's transaction
// on c, in one round trip.
func beginRun(ctx context.Context, c *pgx.Conn) (string, error) {
	res, err := c.PgConn().Exec(ctx, sequencesQuery+"; BEGIN").ReadAll()
	if err != nil {
		return "", fmt.Errorf("read sequences and begin: %w", err)
	}
	if len(res) != 2 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 1 {
		return "", fmt.Errorf("read sequences and begin: %d results", len(res))
	}
	return string(res[0].Rows[0][0]), nil
}

// endRun rolls back the run's transaction on c and reports whether the
// database is as the run found it: the transaction still open, and the
// sequences as they were (seqs), read in the same round trip as the
// ROLLBACK. With dirty, the database is recreated anyway, and only the
// ROLLBACK is sent.
func (s *SQL) endRun(ctx context.Context, c *pgx.Conn, seqs string, dirty bool) bool {
	if !inTx(c) {
		return false
	}
	if dirty {
		c.Exec(ctx, "ROLLBACK")
		return false
	}
	res, err := c.PgConn().Exec(ctx, "ROLLBACK; "+sequencesQuery).ReadAll()
	if err != nil || len(res) != 2 || len(res[1].Rows) != 1 || len(res[1].Rows[0]) != 1 {
		return false
	}
	return string(res[1].Rows[0][0]) == seqs
}
