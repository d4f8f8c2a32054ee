package pg

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	lab   *Lab
	slot  *Slot
	tx    bool
	conns map[checks.DB]*pgx.Conn
	// dirty is set when the slot's databases may have changed for good.
	dirty bool
	// seqs is the sequences' state of each database before the run.
	seqs map[checks.DB]string
	// envFailure is the first error of the server rather than of a query:
	// a lost connection, a server that went away.
	envFailure error
}

// classify returns err, noting it as the environment's failure when the
// connection broke under it (not at the deadline) rather than the query
// failing.
func (s *SQL) classify(ctx context.Context, c *pgx.Conn, err error) error {
	var pe *pgconn.PgError
	if err == nil || errors.As(err, &pe) || ctx.Err() != nil || !c.IsClosed() {
		return err
	}
	if s.envFailure == nil {
		s.envFailure = engine.EnvErr(fmt.Errorf("lost the connection to %s: %w", s.lab.svc.Name, err))
	}
	return s.envFailure
}

var _ checks.SQL = (*SQL)(nil)

func (s *SQL) Variants() []string { return s.lab.variants }

func (s *SQL) conn(ctx context.Context, db checks.DB) (*pgx.Conn, error) {
	if c := s.conns[db]; c != nil && !c.IsClosed() {
		return c, nil
	}
	var c *pgx.Conn
	var err error
	if db.Reference {
		c, err = s.lab.superuser(ctx, s.lab.setBase(db.Variant)+"__ref")
	} else {
		c, err = s.lab.connect(ctx, s.slot.role, s.slot.password, s.slot.dbFor(db.Variant))
		if err != nil {
			err = engine.EnvErr(fmt.Errorf("connect as %s: %w", s.slot.role, err))
		}
	}
	if err != nil {
		return nil, err
	}
	if s.conns == nil {
		s.conns = map[checks.DB]*pgx.Conn{}
	}
	s.conns[db] = c
	if s.tx && !db.Reference {
		state, err := sequencesState(ctx, c)
		if err != nil {
			return nil, engine.EnvErr(fmt.Errorf("read sequences: %w", err))
		}
		if s.seqs == nil {
			s.seqs = map[checks.DB]string{}
		}
		s.seqs[db] = state
		if _, err := c.Exec(ctx, "BEGIN"); err != nil {
			return nil, engine.EnvErr(fmt.Errorf("begin: %w", err))
		}
	}
	return c, nil
}

// inTx reports whether c has a transaction open (even a failed one).
func inTx(c *pgx.Conn) bool { return c.PgConn().TxStatus() != 'I' }

// savepoint runs f under a savepoint when c is in a transaction, rolling
// back to it when f fails, so that the transaction stays usable.
func savepoint(ctx context.Context, c *pgx.Conn, f func() error) error {
	if !inTx(c) {
		return f()
	}
	if _, err := c.Exec(ctx, "SAVEPOINT lab_step"); err != nil {
		return err
	}
	ferr := f()
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

// Apply runs a submission script on the slot's database of every data set.
func (s *SQL) Apply(ctx context.Context, name, script string) error {
	for _, set := range s.lab.sets() {
		c, err := s.conn(ctx, checks.DB{Variant: set})
		if err != nil {
			return err
		}
		err = savepoint(ctx, c, func() error {
			_, err := c.Exec(ctx, script)
			return err
		})
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "25001" && s.tx {
			// Not allowed in a transaction block: run it outside, and
			// recreate the databases afterwards.
			s.dirty = true
			if _, err = c.Exec(ctx, "ROLLBACK"); err == nil {
				_, err = c.Exec(ctx, script)
			}
			if err == nil {
				_, err = c.Exec(ctx, "BEGIN")
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s did not finish in time; it was cancelled", name)
			}
			return fmt.Errorf("%s: %w", name, describePGError(script, err))
		}
		if s.tx && !inTx(c) {
			// The script committed: what follows is not rolled back.
			s.dirty = true
		}
	}
	return nil
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
	var rows *checks.Rows
	err = savepoint(ctx, c, func() error {
		var err error
		rows, err = readRows(ctx, c, query)
		return err
	})
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
	for db, c := range s.conns {
		if s.tx && !db.Reference {
			if inTx(c) {
				if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
					s.dirty = true
				}
			} else {
				s.dirty = true
			}
			if !s.dirty {
				if now, err := sequencesState(ctx, c); err != nil || now != s.seqs[db] {
					s.dirty = true
				}
			}
		}
		c.Close(ctx)
	}
	s.conns = nil
	if s.tx && s.dirty {
		s.dirty = false
		return s.lab.resetSlot(ctx, s.slot)
	}
	return nil
}

// sequencesState returns the state of every sequence of the database,
// to tell whether a run advanced one: nextval is not undone by a rollback.
func sequencesState(ctx context.Context, c *pgx.Conn) (string, error) {
	var state string
	err := c.QueryRow(ctx, `SELECT coalesce(string_agg(format('%I.%I=%s', schemaname, sequencename, last_value), ',' ORDER BY 1), '')
  FROM pg_sequences`).Scan(&state)
	return state, err
}
