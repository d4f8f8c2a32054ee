package pg

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/runner/engine"
)

var _ checks.SQLSessions = (*SQL)(nil)

// Sessions implements checks.SQLSessions: n connections of the slot's
// role to its database of db's data set, each in the grader's session
// state (see graderReset), outside any transaction.
//
// Another connection sees only what is committed, so the run's
// transaction on that database is committed first (the submission's
// script and what checks before this one did) and a new one begun; the
// run's databases are then recreated when it ends, as after a script
// that commits. The sessions are the slot's role's like its other
// connections: the disk and memory quotas watch them, and the check's
// deadline cancels their statements.
func (s *SQL) Sessions(ctx context.Context, db checks.DB, n int) ([]checks.Session, error) {
	if db.Reference {
		return nil, errors.New("sessions run on the learner's databases, not on the reference copy")
	}
	c, err := s.conn(ctx, db)
	if err != nil {
		return nil, err
	}
	if s.tx && inTx(c) {
		s.dirty = true
		for _, q := range []string{"COMMIT", "BEGIN"} {
			if _, err := c.Exec(ctx, q); err != nil {
				return nil, s.classify(ctx, c, engine.EnvErr(fmt.Errorf("%s the run's transaction: %w", q, err)))
			}
		}
	}
	reset, err := s.lab.graderReset(ctx)
	if err != nil {
		return nil, engine.EnvErr(err)
	}
	// Sessions a check before this one closed are used again (see
	// session.Close); the others are opened at once. Each connection is a
	// server process and a password handshake of its own: opened one
	// after the other for every check, they were most of a check's time
	// (4 s of a lab check's 6 on a loaded machine).
	out := make([]checks.Session, n)
	errs := make([]error, n)
	reuse := s.takeSessions(db, out)
	var wg sync.WaitGroup
	for i := reuse; i < n; i++ {
		wg.Go(func() {
			pc, err := s.lab.connect(ctx, s.slot.role, s.slot.password, s.slot.dbFor(db.Variant))
			if err != nil {
				errs[i] = fmt.Errorf("connect as %s: %w", s.slot.role, err)
				return
			}
			if _, err := pc.Exec(ctx, reset); err != nil {
				pc.Close(context.WithoutCancel(ctx))
				errs[i] = fmt.Errorf("set the grader's session state: %w", err)
				return
			}
			out[i] = &session{c: pc, sql: s, db: db, reset: reset}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err == nil {
			continue
		}
		for _, x := range out {
			if x != nil {
				x.Close(context.WithoutCancel(ctx))
			}
		}
		return nil, engine.EnvErr(err)
	}
	return out, nil
}

// session is a checks.Session on one connection of a run.
type session struct {
	c     *pgx.Conn
	sql   *SQL
	db    checks.DB
	reset string // the grader's session state (graderReset)
	// broken is set when a statement failed other than with the
	// server's error (a lost connection, a cancelled read): the
	// connection is not used again.
	broken bool
}

func (x *session) PID() int { return int(x.c.PgConn().PID()) }

// Close implements checks.Session. A healthy session is rolled back,
// cleared of all the calls left in it (DISCARD ALL: temporary tables,
// session settings, advisory locks, prepared statements), put back in the
// grader's state and kept for the run's next check; SQL.Close closes it
// at the end of the run.
func (x *session) Close(ctx context.Context) {
	if x.broken || x.c.IsClosed() || ctx.Err() != nil {
		x.c.Close(ctx)
		return
	}
	for _, q := range []string{"ROLLBACK", "DISCARD ALL", x.reset} {
		if _, err := x.c.Exec(ctx, q); err != nil {
			x.c.Close(ctx)
			return
		}
	}
	x.sql.smu.Lock()
	defer x.sql.smu.Unlock()
	if x.sql.idle == nil {
		x.sql.idle = map[checks.DB][]*session{}
	}
	x.sql.idle[x.db] = append(x.sql.idle[x.db], x)
}

// takeSessions fills out with the sessions of db kept for the run's next
// check, as many as there are, and returns how many.
func (s *SQL) takeSessions(db checks.DB, out []checks.Session) int {
	s.smu.Lock()
	defer s.smu.Unlock()
	n := min(len(out), len(s.idle[db]))
	for i, x := range s.idle[db][:n] {
		out[i] = x
	}
	if n > 0 {
		s.idle[db] = s.idle[db][n:]
	}
	return n
}

// closeSessions closes the sessions kept for the run's next check.
func (s *SQL) closeSessions(ctx context.Context) {
	s.smu.Lock()
	defer s.smu.Unlock()
	for _, list := range s.idle {
		for _, x := range list {
			x.c.Close(ctx)
		}
	}
	s.idle = nil
}

// Exec implements checks.Session: the extended protocol, one statement,
// parameters as text of a type the server infers, values as text.
func (x *session) Exec(ctx context.Context, query string, args ...any) (*checks.Rows, error) {
	rows, err := x.exec(ctx, query, args)
	var se *stateError
	if err != nil && !errors.As(err, &se) {
		x.broken = true
	}
	return rows, err
}

func (x *session) exec(ctx context.Context, query string, args []any) (*checks.Rows, error) {
	vals := make([][]byte, len(args))
	for i, a := range args {
		if a != nil {
			vals[i] = []byte(fmt.Sprint(a))
		}
	}
	pc := x.c.PgConn()
	var res *pgconn.Result
	if len(vals) == 0 {
		res = pc.ExecParams(ctx, query, nil, nil, nil, nil).Read()
	} else {
		// A statement gets the arguments it uses: the server says how
		// many when it parses the statement.
		desc, err := pc.Prepare(ctx, "", query, nil)
		if err != nil {
			return nil, sessionError(err)
		}
		n := len(desc.ParamOIDs)
		if n > len(vals) {
			return nil, fmt.Errorf("the statement uses $%d, and a call has %d arguments", n, len(vals))
		}
		res = pc.ExecPrepared(ctx, "", vals[:n], nil, nil).Read()
	}
	if res.Err != nil {
		return nil, sessionError(res.Err)
	}
	out := &checks.Rows{}
	size := 0
	for _, f := range res.FieldDescriptions {
		out.Columns = append(out.Columns, f.Name)
	}
	for _, raw := range res.Rows {
		vals := make([]any, len(raw))
		for i, b := range raw {
			if b == nil {
				continue
			}
			size += len(b)
			vals[i] = string(b)
			if res.FieldDescriptions[i].DataTypeOID == pgtype.BoolOID {
				vals[i] = map[string]string{"t": "true", "f": "false"}[string(b)]
			}
		}
		out.Values = append(out.Values, vals)
	}
	if len(out.Values) > maxResultRows || size > maxResultBytes {
		return nil, fmt.Errorf("the statement returned more than %d rows or %d MB", maxResultRows, maxResultBytes>>20)
	}
	return out, nil
}

// sessionError is a Postgres error of a session as a learner reads it:
// the message, its detail and hint, and the SQLSTATE for the check.
func sessionError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	msg := pe.Message
	if pe.Detail != "" {
		msg += " (" + pe.Detail + ")"
	}
	if pe.Hint != "" {
		msg += " (hint: " + pe.Hint + ")"
	}
	return &stateError{msg: msg, code: pe.Code}
}

// SplitScript implements checks.SQLSessions: the statements of script as
// psql cuts them (see Split), without the pieces that hold none.
func (s *SQL) SplitScript(script string) []string {
	var out []string
	for _, st := range Split(stripBOM(script)) {
		if !st.empty {
			out = append(out, st.Text)
		}
	}
	return out
}
